// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QIODevice>
#include <deque>

namespace vtrelay {

// Sequential device that carries a request body from the client connection to whoever
// consumes it (the upstream upload or a spool) while it arrives. The connection stops
// reading from its socket while bufferedBytes() is above a threshold, which bounds memory.
class RequestBodyPipe : public QIODevice
{
    Q_OBJECT
public:
    explicit RequestBodyPipe(QObject *parent = nullptr);

    void appendData(const QByteArray &data);
    void finish();

    bool isFinished() const { return m_finished; }
    qint64 bufferedBytes() const { return m_buffered; }
    qint64 totalBytes() const { return m_total; }

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    bool atEnd() const override;

signals:
    // Emitted after a reader took bytes out, so a paused producer may go on.
    void drained();
    void finished();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 maxSize) override;

private:
    std::deque<QByteArray> m_chunks;
    qsizetype m_offset = 0; // read position inside m_chunks.front()
    qint64 m_buffered = 0;
    qint64 m_total = 0;
    bool m_finished = false;
};

} // namespace vtrelay
