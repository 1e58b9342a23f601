// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <memory>

namespace vtrelay {

// gzip helpers on zlib; cached bodies are stored gzip-compressed, as VirusTotal sends them.
namespace Gzip {
QByteArray compress(const QByteArray &data, int level = 6);
// Returns false on corrupt input or when the output would pass maxOutput bytes.
bool decompress(const QByteArray &data, QByteArray *output, qsizetype maxOutput = 256 * 1024 * 1024);
bool looksCompressed(const QByteArray &data);
} // namespace Gzip

// Streaming gzip decoder for bodies passed on to clients that do not accept gzip.
class GzipInflater
{
public:
    GzipInflater();
    ~GzipInflater();
    GzipInflater(const GzipInflater &) = delete;
    GzipInflater &operator=(const GzipInflater &) = delete;

    // Returns the decoded bytes; sets hasError() on corrupt input.
    QByteArray inflate(const QByteArray &data);
    bool hasError() const { return m_error; }

private:
    struct State;
    std::unique_ptr<State> m_state;
    bool m_error = false;
};

} // namespace vtrelay
