// SPDX-License-Identifier: MIT
#pragma once

#include "config/KeyEnvelope.h"
#include "config/TeamConfig.h"

#include <QObject>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QSettings;

namespace vtrelay {

class KeyStore;

// The team configuration part of the Key and settings page: the window's version of
// `vtrelay config export|import`. It reuses TeamConfig, KeyEnvelope, SettingsStore and the
// file helpers of ConfigCommands, and shows the same sentences the commands print. An
// imported key goes to the keychain only; an import changes nothing until it is confirmed.
class TeamConfigViewModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.teamConfig")
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(bool messageIsError READ messageIsError NOTIFY messageChanged)
    Q_PROPERTY(bool importPending READ importPending NOTIFY pendingChanged)
    Q_PROPERTY(QStringList pendingChanges READ pendingChanges NOTIFY pendingChanged)
    Q_PROPERTY(int minPassphraseLength READ minPassphraseLength CONSTANT)
public:
    // keys: the keychain the window uses; settings: where the team settings are stored.
    TeamConfigViewModel(KeyStore *keys, QSettings *settings, QObject *parent = nullptr);
    ~TeamConfigViewModel() override;

    bool isBusy() const { return m_busy; }
    QString message() const { return m_message; }
    bool messageIsError() const { return m_messageIsError; }
    bool importPending() const { return m_pending; }
    QStringList pendingChanges() const { return m_pendingChanges; }
    int minPassphraseLength() const;

    // Argon2id cost of export; tests lower it to keep runs short.
    void setExportCost(const KeyEnvelope::Cost &cost) { m_cost = cost; }

    // path: a local path or a file: URL from a file dialog. With includeKey, the key from the
    // keychain is encrypted with passphrase, which repeated must match.
    Q_INVOKABLE void exportTo(const QString &path, bool includeKey, const QString &passphrase,
                              const QString &repeated);
    // Reads and checks the file, decrypts its key if it has one, and lists the changes in
    // pendingChanges. Nothing is applied until confirmImport().
    Q_INVOKABLE bool prepareImport(const QString &path, const QString &passphrase);
    Q_INVOKABLE void confirmImport();
    Q_INVOKABLE void cancelImport();

    Q_INVOKABLE static QString localPath(const QString &pathOrUrl);

signals:
    void busyChanged();
    void messageChanged();
    void pendingChanged();
    void exportFinished(bool ok);
    // After an import was applied (ok) or failed; on success the stored settings changed.
    void importFinished(bool ok);

private:
    void setMessage(const QString &message, bool isError);
    void setBusy(bool busy);
    void clearPending();
    void writeExport(const QString &path, QJsonObject document, bool includedKey);
    void saveImportedSettings();

    KeyStore *m_keys;
    QSettings *m_settings;
    KeyEnvelope::Cost m_cost;
    bool m_busy = false;
    QString m_message;
    bool m_messageIsError = false;

    bool m_pending = false;
    QString m_pendingPath;
    TeamConfig m_pendingConfig;
    QByteArray m_pendingKey; // decrypted key waiting for confirmation; wiped after use
    bool m_pendingHasKey = false;
    QStringList m_pendingChanges;
    // Guards callbacks that arrive after this object is gone.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace vtrelay
