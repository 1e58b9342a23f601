// SPDX-License-Identifier: MIT
#include "RequestBodyPipe.h"

#include <cstring>

namespace vtrelay {

RequestBodyPipe::RequestBodyPipe(QObject *parent)
    : QIODevice(parent)
{
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
}

void RequestBodyPipe::appendData(const QByteArray &data)
{
    if (data.isEmpty() || m_finished)
        return;
    m_chunks.push_back(data);
    m_buffered += data.size();
    m_total += data.size();
    emit readyRead();
}

void RequestBodyPipe::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    emit readChannelFinished();
    emit finished();
}

qint64 RequestBodyPipe::bytesAvailable() const
{
    return m_buffered + QIODevice::bytesAvailable();
}

bool RequestBodyPipe::atEnd() const
{
    return m_finished && bytesAvailable() == 0;
}

qint64 RequestBodyPipe::readData(char *data, qint64 maxSize)
{
    if (m_buffered == 0)
        return m_finished ? -1 : 0;

    qint64 copied = 0;
    while (copied < maxSize && !m_chunks.empty()) {
        const QByteArray &front = m_chunks.front();
        const qint64 n = qMin<qint64>(maxSize - copied, front.size() - m_offset);
        std::memcpy(data + copied, front.constData() + m_offset, size_t(n));
        copied += n;
        m_offset += qsizetype(n);
        if (m_offset == front.size()) {
            m_chunks.pop_front();
            m_offset = 0;
        }
    }
    m_buffered -= copied;
    if (copied > 0)
        emit drained();
    return copied;
}

qint64 RequestBodyPipe::writeData(const char *, qint64)
{
    return -1;
}

} // namespace vtrelay
