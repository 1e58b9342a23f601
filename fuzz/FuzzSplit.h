// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

namespace vtrelay::fuzz {

// Reader of the split header at the start of a fuzz input, which hands out piece sizes so that
// the fuzzer itself chooses where a stream is cut. The first byte's low two bits give the count
// (1 to 4) of size bytes that follow. The sizes are used in turn, and a size byte of 0 means
// "everything that is left". Bit 2 of the first byte is a free flag for the target.
class Splitter
{
public:
    Splitter(const uint8_t *&data, size_t &size)
    {
        if (size == 0)
            return;
        m_flags = data[0];
        m_count = size_t(m_flags & 3u) + 1;
        ++data;
        --size;
        if (m_count > size)
            m_count = size;
        for (size_t i = 0; i < m_count; ++i)
            m_sizes[i] = data[i];
        data += m_count;
        size -= m_count;
    }

    bool flag() const { return (m_flags & 4u) != 0; }

    // Returns the size of the next piece: at most left, and at least 1 when left > 0.
    size_t next(size_t left)
    {
        if (m_count == 0)
            return left;
        const size_t size = m_sizes[m_index++ % m_count];
        if (size == 0 || size > left)
            return left;
        return size;
    }

private:
    uint8_t m_flags = 0;
    uint8_t m_sizes[4] = {};
    size_t m_count = 0;
    size_t m_index = 0;
};

} // namespace vtrelay::fuzz
