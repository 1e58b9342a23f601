// SPDX-License-Identifier: MIT
#include "BodySpool.h"

#include "http/RequestBodyPipe.h"

#include <QBuffer>
#include <QDir>
#include <QTemporaryFile>

namespace vtrelay {

BodySpool::BodySpool(RequestBodyPipe *source, Filter filter, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_filter(std::move(filter))
{
    connect(source, &RequestBodyPipe::readyRead, this, &BodySpool::pull);
    connect(source, &RequestBodyPipe::finished, this, &BodySpool::pull);
    QMetaObject::invokeMethod(this, &BodySpool::pull, Qt::QueuedConnection);
}

BodySpool::~BodySpool() = default;

void BodySpool::appendBytes(const QByteArray &bytes)
{
    if (bytes.isEmpty() || hasError())
        return;
    m_size += bytes.size();
    if (!m_file && m_memory.size() + bytes.size() <= kMemoryLimit) {
        m_memory.append(bytes);
        return;
    }
    if (!m_file) {
        m_file = std::make_unique<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/vtrelay-upload-XXXXXX"));
        if (!m_file->open()) {
            m_error = QStringLiteral("Cannot create a temporary file for the upload: %1.").arg(m_file->errorString());
            return;
        }
        m_file->write(m_memory);
        m_memory.clear();
    }
    if (m_file->write(bytes) != bytes.size())
        m_error = QStringLiteral("Cannot write the upload to a temporary file: %1.").arg(m_file->errorString());
}

void BodySpool::pull()
{
    if (m_ready)
        return;
    while (m_source->bytesAvailable() > 0) {
        const QByteArray chunk = m_source->read(256 * 1024);
        appendBytes(m_filter ? m_filter(chunk, false) : chunk);
    }
    if (!m_source->isFinished())
        return;
    if (m_filter)
        appendBytes(m_filter(QByteArray(), true));
    if (m_file)
        m_file->flush();
    m_ready = true;
    emit ready();
}

QIODevice *BodySpool::device()
{
    if (!m_ready)
        return nullptr;
    if (m_file) {
        m_file->seek(0);
        return m_file.get();
    }
    if (!m_device) {
        auto *buffer = new QBuffer;
        buffer->setData(m_memory);
        buffer->open(QIODevice::ReadOnly);
        m_device.reset(buffer);
    }
    return m_device.get();
}

QByteArray BodySpool::readAll()
{
    if (!m_file)
        return m_memory;
    m_file->seek(0);
    return m_file->readAll();
}

} // namespace vtrelay
