// SPDX-License-Identifier: MIT
#pragma once

#include "config/TeamConfig.h"

#include <QStringList>

class QSettings;

namespace vtrelay {

// Loads and saves the team settings in QSettings. The app uses organisation and application
// "vtrelay", which on Linux is $XDG_CONFIG_HOME/vtrelay/vtrelay.conf (default ~/.config) and on
// Windows the registry key HKEY_CURRENT_USER\Software\vtrelay\vtrelay. Keys and units:
//   quota/perMinute, quota/perDay, quota/perMonth   upstream requests allowed per window
//   quota/maxQueueWaitSeconds                        seconds a request may wait for quota
//   cache/objectTtlSeconds                           file, URL, domain and IP address reports
//   cache/collectionTtlSeconds                       relationship pages and searches
//   cache/commentTtlSeconds                          comments and votes
//   cache/notFoundTtlSeconds                         NotFoundError responses
//   cache/analysisTtlSeconds                         analyses
//   http/allowedOrigins                              list of browser origins
//   http/listenPort                                  TCP port on the loopback address
// A missing key means the TeamConfig default. The API key is never stored here.
class SettingsStore
{
public:
    explicit SettingsStore(QSettings *settings);

    // Returns the stored settings. A stored value that is invalid is replaced by its default,
    // and warnings gets a line naming the key, the value and the default used.
    TeamConfig load(QStringList *warnings = nullptr) const;

    // Writes every setting and flushes to storage. Returns false with a message when the
    // settings file or registry key cannot be written.
    bool save(const TeamConfig &config, QString *error);

    // Returns false with a message when save() would fail because the storage is read-only.
    bool checkWritable(QString *error) const;

private:
    QSettings *m_settings;
};

} // namespace vtrelay
