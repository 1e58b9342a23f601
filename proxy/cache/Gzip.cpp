// SPDX-License-Identifier: MIT
#include "Gzip.h"

#include <zlib.h>

namespace vtrelay {

namespace {
constexpr int kGzipWindowBits = 15 + 16; // 16 selects the gzip wrapper instead of zlib's
constexpr qsizetype kChunk = 64 * 1024;
} // namespace

QByteArray Gzip::compress(const QByteArray &data, int level)
{
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out;
    out.resize(qsizetype(deflateBound(&zs, uLong(data.size()))) + 32);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const qsizetype written = qsizetype(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return {};
    out.resize(written);
    return out;
}

bool Gzip::decompress(const QByteArray &data, QByteArray *output, qsizetype maxOutput)
{
    z_stream zs{};
    if (inflateInit2(&zs, kGzipWindowBits) != Z_OK)
        return false;
    output->clear();
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = uInt(data.size());
    int rc = Z_OK;
    char buffer[kChunk];
    while (rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef *>(buffer);
        zs.avail_out = uInt(sizeof buffer);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
        output->append(buffer, qsizetype(sizeof buffer - zs.avail_out));
        if (output->size() > maxOutput) {
            rc = Z_MEM_ERROR;
            break;
        }
        if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)
            break; // truncated input
    }
    inflateEnd(&zs);
    return rc == Z_STREAM_END;
}

bool Gzip::looksCompressed(const QByteArray &data)
{
    return data.size() >= 2 && uchar(data.at(0)) == 0x1f && uchar(data.at(1)) == 0x8b;
}

struct GzipInflater::State
{
    z_stream zs{};
    bool ended = false;
};

GzipInflater::GzipInflater()
    : m_state(std::make_unique<State>())
{
    if (inflateInit2(&m_state->zs, kGzipWindowBits) != Z_OK)
        m_error = true;
}

GzipInflater::~GzipInflater()
{
    inflateEnd(&m_state->zs);
}

QByteArray GzipInflater::inflate(const QByteArray &data)
{
    QByteArray out;
    if (m_error || m_state->ended)
        return out;
    z_stream &zs = m_state->zs;
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = uInt(data.size());
    char buffer[kChunk];
    // A full output buffer may leave decoded bytes inside zlib, so go on until it has room.
    do {
        zs.next_out = reinterpret_cast<Bytef *>(buffer);
        zs.avail_out = uInt(sizeof buffer);
        const int rc = ::inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            m_error = true;
            break;
        }
        out.append(buffer, qsizetype(sizeof buffer - zs.avail_out));
        if (rc == Z_STREAM_END) {
            m_state->ended = true;
            break;
        }
        if (rc == Z_BUF_ERROR)
            break;
    } while (zs.avail_in > 0 || zs.avail_out == 0);
    return out;
}

} // namespace vtrelay
