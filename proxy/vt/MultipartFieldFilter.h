// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace vtrelay {

// Streaming filter that drops the parts of a multipart/form-data body whose field name is
// given (the relay drops "apikey"), and passes every other byte through unchanged. It holds
// back at most one delimiter's length of data, plus the headers of the part being read.
class MultipartFieldFilter
{
public:
    MultipartFieldFilter(const QByteArray &boundary, const QByteArray &fieldName);

    // Extracts the boundary parameter of a multipart Content-Type, or an empty array.
    static QByteArray boundaryOf(const QByteArray &contentType);

    // Returns the filtered bytes that are certain so far.
    QByteArray process(const QByteArray &input);
    // Returns whatever was held back; call once at the end of the body.
    QByteArray finish();

    int droppedParts() const { return m_dropped; }

private:
    enum class Mode { Body, PartHeaders, Epilogue };

    QByteArray emitBytes(const QByteArray &bytes);
    bool isDroppedField(const QByteArray &partHeaders) const;

    QByteArray m_delimiter; // "\r\n--" + boundary
    QByteArray m_fieldName;
    QByteArray m_pending;
    Mode m_mode = Mode::Body;
    bool m_keep = true;
    // The first two bytes of output are the virtual CRLF put in front of the body, or the
    // CRLF of the first kept delimiter when the first part was dropped; both can go.
    int m_skipOutput = 2;
    int m_dropped = 0;
};

} // namespace vtrelay
