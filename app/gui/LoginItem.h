// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace vtrelay {

// Starts VT Relay when the user logs in: an XDG autostart .desktop file on Linux, the
// HKCU Run key on Windows.
class LoginItem
{
public:
    // location: the autostart folder on Linux (tests pass a temporary one); empty for the default.
    explicit LoginItem(QString location = QString());

    bool isEnabled() const;
    // Returns false with a message when the change could not be made.
    bool setEnabled(bool enabled, QString *error);
    bool isSupported() const;

private:
    QString desktopFilePath() const;

    QString m_location;
};

} // namespace vtrelay
