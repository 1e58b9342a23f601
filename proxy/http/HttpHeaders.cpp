// SPDX-License-Identifier: MIT
#include "HttpHeaders.h"

namespace vtrelay {

namespace {
bool sameName(const QByteArray &a, const QByteArray &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}
} // namespace

HttpHeaders::HttpHeaders(std::initializer_list<Field> fields)
    : m_fields(fields)
{
}

void HttpHeaders::append(const QByteArray &name, const QByteArray &value)
{
    m_fields.append({name, value});
}

void HttpHeaders::set(const QByteArray &name, const QByteArray &value)
{
    remove(name);
    append(name, value);
}

int HttpHeaders::remove(const QByteArray &name)
{
    return int(m_fields.removeIf([&](const Field &f) { return sameName(f.first, name); }));
}

bool HttpHeaders::contains(const QByteArray &name) const
{
    for (const Field &f : m_fields) {
        if (sameName(f.first, name))
            return true;
    }
    return false;
}

QByteArray HttpHeaders::value(const QByteArray &name, const QByteArray &defaultValue) const
{
    for (const Field &f : m_fields) {
        if (sameName(f.first, name))
            return f.second;
    }
    return defaultValue;
}

QList<QByteArray> HttpHeaders::values(const QByteArray &name) const
{
    QList<QByteArray> result;
    for (const Field &f : m_fields) {
        if (sameName(f.first, name))
            result.append(f.second);
    }
    return result;
}

bool HttpHeaders::hasToken(const QByteArray &name, const QByteArray &token) const
{
    for (const QByteArray &v : values(name)) {
        for (const QByteArray &part : v.split(',')) {
            QByteArray item = part.trimmed();
            const qsizetype semicolon = item.indexOf(';');
            if (semicolon >= 0)
                item = item.left(semicolon).trimmed();
            if (sameName(item, token))
                return true;
        }
    }
    return false;
}

bool HttpHeaders::isHopByHop(const QByteArray &name)
{
    static const QByteArray names[] = {"connection", "keep-alive", "proxy-authenticate",
                                       "proxy-authorization", "proxy-connection", "te",
                                       "trailer", "transfer-encoding", "upgrade"};
    for (const QByteArray &n : names) {
        if (sameName(name, n))
            return true;
    }
    return false;
}

} // namespace vtrelay
