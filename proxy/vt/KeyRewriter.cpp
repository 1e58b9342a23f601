// SPDX-License-Identifier: MIT
#include "KeyRewriter.h"

#include "ApiRouter.h"
#include "http/HttpHeaders.h"

#include <QUrl>

namespace vtrelay {

void KeyRewriter::stripRequestHeaders(HttpHeaders &headers)
{
    headers.remove("x-apikey");
    headers.remove("apikey");
}

QByteArray KeyRewriter::upstreamQuery(const ApiRoute &route, const QByteArray &key)
{
    QByteArray query = route.forwardQuery;
    if (route.api == ApiRoute::Api::V2) {
        if (!query.isEmpty())
            query += '&';
        query += "apikey=" + QUrl::toPercentEncoding(QString::fromUtf8(key));
    }
    return query;
}

QByteArray KeyRewriter::stripFormKey(const QByteArray &body)
{
    return ApiRouter::queryWithoutKey(body);
}

QByteArray KeyRewriter::redactTarget(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    if (q < 0)
        return target;
    QList<QByteArray> pairs = target.mid(q + 1).split('&');
    for (QByteArray &pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray name = eq < 0 ? pair : pair.left(eq);
        if (QUrl::fromPercentEncoding(name).compare(u"apikey", Qt::CaseInsensitive) == 0)
            pair = name + "=<redacted>";
    }
    return target.left(q + 1) + pairs.join('&');
}

} // namespace vtrelay
