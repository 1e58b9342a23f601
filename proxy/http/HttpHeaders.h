// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace vtrelay {

// Ordered list of HTTP header fields with case-insensitive name lookup.
// Field order and repeated fields are kept, as HTTP allows both.
class HttpHeaders
{
public:
    using Field = QPair<QByteArray, QByteArray>;

    HttpHeaders() = default;
    HttpHeaders(std::initializer_list<Field> fields);

    void append(const QByteArray &name, const QByteArray &value);
    // Replaces every field called name by a single one.
    void set(const QByteArray &name, const QByteArray &value);
    // Removes every field called name and returns how many there were.
    int remove(const QByteArray &name);

    bool contains(const QByteArray &name) const;
    // The first value of name, or defaultValue when absent.
    QByteArray value(const QByteArray &name, const QByteArray &defaultValue = {}) const;
    QList<QByteArray> values(const QByteArray &name) const;

    const QList<Field> &fields() const { return m_fields; }
    bool isEmpty() const { return m_fields.isEmpty(); }
    qsizetype size() const { return m_fields.size(); }

    // Whether a comma-separated header such as Connection or Accept-Encoding lists token.
    bool hasToken(const QByteArray &name, const QByteArray &token) const;

    static bool isHopByHop(const QByteArray &name);

private:
    QList<Field> m_fields;
};

} // namespace vtrelay
