// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace vtrelay {

// Body of an error in VirusTotal's shape: {"error": {"code": ..., "message": ...}}.
// Errors made by the relay itself use codes that start with "Relay".
QByteArray vtErrorBody(const QString &code, const QString &message);

} // namespace vtrelay
