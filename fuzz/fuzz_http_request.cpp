// SPDX-License-Identifier: MIT
// libFuzzer target for the HTTP front and the request router. The input is cut into pieces
// chosen by its first bytes (see FuzzSplit.h) and fed to HttpRequestParser the way
// HttpConnection feeds it. Every parsed request is routed and its key handling checked, and a
// broken invariant calls __builtin_trap(), which libFuzzer reports as a crash.
#include "FuzzSplit.h"

#include "http/HttpRequestParser.h"
#include "vt/ApiRouter.h"
#include "vt/KeyRewriter.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace vtrelay;

namespace {

// The relay's key has no run of 12 letters or digits, so the client key search never matches it.
const QByteArray kRelayKey = "relay-key-1";

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

bool isApikeyName(const QByteArray &encodedName)
{
    return QByteArray::fromPercentEncoding(encodedName).compare("apikey", Qt::CaseInsensitive) == 0;
}

QByteArray nameOf(const QByteArray &pair)
{
    const qsizetype eq = pair.indexOf('=');
    return eq < 0 ? pair : pair.left(eq);
}

QByteArray valueOf(const QByteArray &pair)
{
    const qsizetype eq = pair.indexOf('=');
    return eq < 0 ? QByteArray() : pair.mid(eq + 1);
}

// Returns the values of every apikey parameter of a query string.
QList<QByteArray> apikeyValues(const QByteArray &query)
{
    QList<QByteArray> values;
    for (const QByteArray &pair : query.split('&')) {
        if (isApikeyName(nameOf(pair)))
            values.append(valueOf(pair));
    }
    return values;
}

// Returns the text percent-decoded until stable, then lower-cased, so that the relay's own
// decoding and case folding cannot hide a key from the search below.
QString canonical(QByteArray text)
{
    for (int i = 0; i < 8; ++i) {
        const QByteArray decoded = QByteArray::fromPercentEncoding(text);
        if (decoded == text)
            break;
        text = decoded;
    }
    return QString::fromUtf8(text).toLower();
}

bool isLongAlnum(const QString &text)
{
    if (text.size() < 12)
        return false;
    for (QChar c : text) {
        if (c.unicode() > 0x7f || !c.isLetterOrNumber())
            return false;
    }
    return true;
}

// Checks that no client key reaches the cache key, the upstream query or the log line. Only keys
// of 12 or more letters and digits that appear nowhere else in the target are searched for,
// because a path or another parameter may legitimately contain the same text.
void checkClientKeysGone(const QByteArray &target, const ApiRoute &route, const QByteArray &upstream,
                         const QByteArray &redacted)
{
    const qsizetype queryStart = target.indexOf('?');
    if (queryStart < 0)
        return;
    const QByteArray query = target.mid(queryStart + 1);
    const QList<QByteArray> keys = apikeyValues(query);
    if (keys.isEmpty())
        return;

    QByteArray rest = target.left(queryStart + 1);
    for (const QByteArray &pair : query.split('&')) {
        if (!isApikeyName(nameOf(pair)))
            rest += pair + '&';
    }
    const QString restText = canonical(rest);
    const QString outputs[] = {canonical(route.cacheKey.toUtf8()), canonical(route.forwardQuery),
                               canonical(upstream), canonical(redacted)};
    for (const QByteArray &key : keys) {
        const QString secret = canonical(key);
        if (!isLongAlnum(secret) || restText.contains(secret))
            continue;
        for (const QString &output : outputs)
            check(!output.contains(secret));
    }
}

// Returns the body limit the parser applies to this request: upload URLs get a larger one.
qint64 bodyLimit(const HttpRequest &request, const HttpRequestParser::Limits &limits)
{
    return request.target.startsWith(limits.largeBodyPrefix) ? limits.maxLargeBodyBytes : limits.maxBodyBytes;
}

void checkRequest(const HttpRequest &request, const HttpRequestParser::Limits &limits)
{
    check(!request.method.isEmpty());
    check(request.versionMajor == 1);
    check(request.target.size() <= limits.maxHeaderBytes);
    check(request.contentLength <= bodyLimit(request, limits));
    check(!(request.chunked && request.contentLength >= 0));

    HttpHeaders headers = request.headers;
    KeyRewriter::stripRequestHeaders(headers);
    check(!headers.contains("x-apikey") && !headers.contains("apikey"));

    const QByteArray &target = request.target;
    const qsizetype queryStart = target.indexOf('?');
    const QByteArray query = queryStart < 0 ? QByteArray() : target.mid(queryStart + 1);

    const ApiRoute route = ApiRouter::route(request.method, target);
    check(route.forwardQuery == ApiRouter::queryWithoutKey(query));
    check(apikeyValues(route.forwardQuery).isEmpty());
    if (!route.isApi())
        check(route.kind == ApiRoute::Kind::None && !route.isCacheable());
    if (route.isCacheable()) {
        check(request.method == "GET" || request.method == "HEAD");
        check(route.cacheClass != ApiRoute::CacheClass::None);
        check(route.cacheKey.startsWith(route.api == ApiRoute::Api::V2 ? u"v2:" : u"v3:"));
    }

    const QByteArray normalized = ApiRouter::normalizedQuery(query);
    check(apikeyValues(normalized).isEmpty());
    check(ApiRouter::normalizedQuery(normalized) == normalized);
    check(ApiRouter::normalizedQuery(route.forwardQuery) == normalized);

    // v2 takes the relay's key from the query, v3 from a header: exactly one key or none.
    const QByteArray upstream = KeyRewriter::upstreamQuery(route, kRelayKey);
    const QList<QByteArray> upstreamKeys = apikeyValues(upstream);
    if (route.api == ApiRoute::Api::V2)
        check(upstreamKeys == QList<QByteArray>{kRelayKey});
    else
        check(upstreamKeys.isEmpty());

    const QByteArray redacted = KeyRewriter::redactTarget(target);
    check(KeyRewriter::redactTarget(redacted) == redacted);
    const qsizetype redactedQueryStart = redacted.indexOf('?');
    if (redactedQueryStart >= 0) {
        for (const QByteArray &value : apikeyValues(redacted.mid(redactedQueryStart + 1)))
            check(value == "<redacted>");
    }
    if (apikeyValues(query).isEmpty())
        check(redacted == target);

    checkClientKeysGone(target, route, upstream, redacted);
}

struct State
{
    HttpRequestParser::Limits limits;
    const char *window = nullptr; // the bytes of the current feed() call
    size_t windowSize = 0;
    qint64 fedBytes = 0;
    bool inBody = false;
    bool chunked = false;
    qint64 contentLength = -1;
    qint64 bodyLimit = 0;
    qint64 bodyBytes = 0;
    qint64 allBodyBytes = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Splitter split(data, size);
    State state;
    if (split.flag()) {
        // Small limits, so that short inputs reach the 413 and 431 responses too.
        state.limits.maxHeaderBytes = 256;
        state.limits.maxBodyBytes = 512;
        state.limits.maxLargeBodyBytes = 1024;
    }

    HttpRequestParser::Callbacks callbacks;
    callbacks.headersComplete = [&state](HttpRequest &&request) {
        check(!state.inBody);
        state.inBody = true;
        state.chunked = request.chunked;
        state.contentLength = request.contentLength;
        state.bodyLimit = bodyLimit(request, state.limits);
        state.bodyBytes = 0;
        checkRequest(request, state.limits);
    };
    callbacks.body = [&state](const char *at, size_t length) {
        check(state.inBody);
        check(state.chunked || state.contentLength > 0);
        check(at >= state.window && length <= state.windowSize
              && size_t(at - state.window) <= state.windowSize - length);
        state.bodyBytes += qint64(length);
        state.allBodyBytes += qint64(length);
        check(state.allBodyBytes <= state.fedBytes);
        check(state.bodyBytes <= state.bodyLimit);
        if (!state.chunked)
            check(state.bodyBytes <= state.contentLength);
    };
    callbacks.messageComplete = [&state] {
        check(state.inBody);
        if (!state.chunked)
            check(state.bodyBytes == qMax<qint64>(state.contentLength, 0));
        state.inBody = false;
    };

    HttpRequestParser parser(state.limits, callbacks);
    QByteArray pending;
    size_t offset = 0;
    while (offset < size && !parser.hasError()) {
        const size_t piece = split.next(size - offset);
        pending.append(reinterpret_cast<const char *>(data + offset), qsizetype(piece));
        offset += piece;
        state.fedBytes += qint64(piece);

        // As HttpConnection does: feed what is buffered, respond, resume, feed the rest.
        while (!pending.isEmpty() && !parser.hasError()) {
            state.window = pending.constData();
            state.windowSize = size_t(pending.size());
            const size_t consumed = parser.feed(state.window, state.windowSize);
            check(consumed <= state.windowSize);
            // Stopping short is allowed only at the end of a message or on an error. Otherwise
            // HttpConnection would feed the same bytes again and again.
            check(consumed == state.windowSize || parser.isPaused() || parser.hasError());
            pending.remove(0, qsizetype(consumed));
            if (!parser.isPaused())
                break;
            check(!parser.isInsideMessage() && !state.inBody);
            parser.resume();
        }
    }

    if (parser.hasError()) {
        const int status = parser.error().status;
        check(status == 400 || status == 408 || status == 413 || status == 431 || status == 505);
        check(!parser.error().message.isEmpty());
        check(parser.feed("GET / HTTP/1.1\r\n", 16) == 0);
    }
    return 0;
}
