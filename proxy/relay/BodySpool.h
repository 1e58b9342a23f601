// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>

#include <functional>
#include <memory>

class QIODevice;
class QTemporaryFile;

namespace vtrelay {

class RequestBodyPipe;

// Collects a request body whose final size is unknown while it arrives (a chunked body, or
// one the relay rewrites), so it can be sent upstream with a Content-Length. Bodies up to
// kMemoryLimit stay in memory; larger ones go to a temporary file.
class BodySpool : public QObject
{
    Q_OBJECT
public:
    using Filter = std::function<QByteArray(const QByteArray &chunk, bool last)>;
    static constexpr qint64 kMemoryLimit = 1024 * 1024;

    // filter, when set, transforms the body on the way in; it gets last = true once at the end.
    BodySpool(RequestBodyPipe *source, Filter filter, QObject *parent = nullptr);
    ~BodySpool() override;

    bool isReady() const { return m_ready; }
    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    qint64 size() const { return m_size; }
    // A device positioned at the start of the body, valid after ready().
    QIODevice *device();
    // The whole body, for callers that know it is small.
    QByteArray readAll();

signals:
    void ready();

private:
    void pull();
    void appendBytes(const QByteArray &bytes);

    RequestBodyPipe *m_source;
    Filter m_filter;
    QByteArray m_memory;
    std::unique_ptr<QTemporaryFile> m_file;
    std::unique_ptr<QIODevice> m_device;
    qint64 m_size = 0;
    bool m_ready = false;
    QString m_error;
};

} // namespace vtrelay
