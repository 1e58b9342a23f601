// SPDX-License-Identifier: MIT
#include "TeamConfigViewModel.h"

#include "ConfigCommands.h"
#include "SettingsStore.h"
#include "keys/KeyStore.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSettings>
#include <QUrl>

Q_LOGGING_CATEGORY(lcTeamConfigView, "vtrelay.gui.teamconfig")

namespace vtrelay {

TeamConfigViewModel::TeamConfigViewModel(KeyStore *keys, QSettings *settings, QObject *parent)
    : QObject(parent)
    , m_keys(keys)
    , m_settings(settings)
    , m_cost(KeyEnvelope::moderateCost())
{
}

TeamConfigViewModel::~TeamConfigViewModel()
{
    *m_alive = false;
    KeyEnvelope::wipe(&m_pendingKey);
}

int TeamConfigViewModel::minPassphraseLength() const
{
    return int(ConfigCommands::kMinPassphraseCharacters);
}

QString TeamConfigViewModel::localPath(const QString &pathOrUrl)
{
    const QString trimmed = pathOrUrl.trimmed();
    if (trimmed.startsWith(QStringLiteral("file:"), Qt::CaseInsensitive))
        return QUrl(trimmed).toLocalFile();
    return trimmed;
}

void TeamConfigViewModel::setMessage(const QString &message, bool isError)
{
    if (m_message == message && m_messageIsError == isError)
        return;
    m_message = message;
    m_messageIsError = isError;
    emit messageChanged();
}

void TeamConfigViewModel::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void TeamConfigViewModel::clearPending()
{
    KeyEnvelope::wipe(&m_pendingKey);
    const bool changed = m_pending || !m_pendingChanges.isEmpty();
    m_pending = false;
    m_pendingHasKey = false;
    m_pendingPath.clear();
    m_pendingChanges.clear();
    m_pendingConfig = TeamConfig();
    if (changed)
        emit pendingChanged();
}

void TeamConfigViewModel::exportTo(const QString &pathOrUrl, bool includeKey, const QString &passphrase,
                                   const QString &repeated)
{
    if (m_busy)
        return;
    const QString path = localPath(pathOrUrl);
    if (path.isEmpty()) {
        setMessage(tr("Choose the file to export to."), true);
        emit exportFinished(false);
        return;
    }
    QStringList warnings;
    QJsonObject document = SettingsStore(m_settings).load(&warnings).toJson();
    for (const QString &warning : std::as_const(warnings))
        qCWarning(lcTeamConfigView).noquote() << warning;
    if (!includeKey) {
        writeExport(path, document, false);
        return;
    }

    if (passphrase != repeated) {
        setMessage(tr("The two passphrases differ; enter them again. Nothing was exported."), true);
        emit exportFinished(false);
        return;
    }
    const qsizetype characters = ConfigCommands::countUtf8Characters(passphrase.toUtf8());
    if (characters < ConfigCommands::kMinPassphraseCharacters) {
        setMessage(tr("The passphrase has %1 characters; use at least %2 so that the encrypted key resists "
                      "guessing. Nothing was exported.")
                       .arg(characters)
                       .arg(ConfigCommands::kMinPassphraseCharacters),
                   true);
        emit exportFinished(false);
        return;
    }
    if (!m_keys) {
        setMessage(tr("No keychain is available, so there is no key to include. Nothing was exported."), true);
        emit exportFinished(false);
        return;
    }

    setBusy(true);
    QByteArray secret = passphrase.toUtf8();
    std::weak_ptr<bool> alive = m_alive;
    m_keys->read([this, alive, path, document, secret](const KeyStore::Result &result) mutable {
        const auto wipeSecret = qScopeGuard([&secret] { KeyEnvelope::wipe(&secret); });
        const auto locked = alive.lock();
        if (!locked || !*locked)
            return;
        if (!result.ok) {
            setBusy(false);
            setMessage(result.notFound
                           ? tr("No API key is stored, so there is none to include. Set one above, or export "
                                "without the key. Nothing was exported.")
                           : tr("Reading the API key from the keychain failed: %1 Nothing was exported.")
                                 .arg(result.error),
                       true);
            emit exportFinished(false);
            return;
        }
        QString keyText = result.key.trimmed();
        QByteArray apiKey = keyText.toUtf8();
        KeyEnvelope::wipe(&keyText);
        const auto wipeKey = qScopeGuard([&apiKey] { KeyEnvelope::wipe(&apiKey); });
        if (apiKey.isEmpty()) {
            setBusy(false);
            setMessage(tr("The stored API key is empty; set one above. Nothing was exported."), true);
            emit exportFinished(false);
            return;
        }
        QString error;
        if (!KeyEnvelope::seal(&document, apiKey, secret, m_cost, &error)) {
            setBusy(false);
            setMessage(tr("Encrypting the API key failed: %1 Nothing was exported.").arg(error), true);
            emit exportFinished(false);
            return;
        }
        writeExport(path, document, true);
    });
}

void TeamConfigViewModel::writeExport(const QString &path, QJsonObject document, bool includedKey)
{
    setBusy(false);
    QString error;
    if (!ConfigCommands::writePrivateFile(path, QJsonDocument(document).toJson(QJsonDocument::Indented), &error)) {
        setMessage(error, true);
        emit exportFinished(false);
        return;
    }
    qCInfo(lcTeamConfigView).noquote() << "Exported the team configuration to" << path
                                       << (includedKey ? "with the encrypted key" : "without a key");
    setMessage(includedKey ? tr("Wrote the team configuration to %1. It includes the API key, encrypted with the "
                                "passphrase, which also authenticates the settings in the file. Give colleagues "
                                "the passphrase over a different channel than the file.")
                                 .arg(path)
                           : tr("Wrote the team configuration to %1. It contains no API key and is plain JSON, so "
                                "nothing detects changes to its settings.")
                                 .arg(path),
               false);
    emit exportFinished(true);
}

bool TeamConfigViewModel::prepareImport(const QString &pathOrUrl, const QString &passphrase)
{
    if (m_busy)
        return false;
    clearPending();
    const QString path = localPath(pathOrUrl);
    if (path.isEmpty()) {
        setMessage(tr("Choose the file to import."), true);
        return false;
    }
    QString error;
    QJsonObject document;
    TeamConfig incoming;
    if (!ConfigCommands::readDocument(path, &document, &error) || !TeamConfig::fromJson(document, &incoming, &error)) {
        setMessage(tr("Could not import %1: %2 Nothing was changed.").arg(path, error), true);
        return false;
    }

    QByteArray apiKey;
    const auto wipeKey = qScopeGuard([&apiKey] { KeyEnvelope::wipe(&apiKey); });
    const bool hasKey = KeyEnvelope::hasKey(document);
    if (hasKey) {
        if (passphrase.isEmpty()) {
            setMessage(tr("%1 includes an encrypted API key; enter its passphrase. Nothing was changed.").arg(path),
                       true);
            return false;
        }
        QByteArray secret = passphrase.toUtf8();
        const bool opened = KeyEnvelope::open(document, secret, &apiKey, &error);
        KeyEnvelope::wipe(&secret);
        if (!opened) {
            setMessage(tr("%1 Nothing was imported.").arg(error), true);
            return false;
        }
        if (!ConfigCommands::isPrintableAscii(apiKey)) {
            setMessage(tr("The API key in %1 is empty or contains spaces or control characters, so it is not a "
                          "VirusTotal key. Nothing was imported.")
                           .arg(path),
                       true);
            return false;
        }
    }

    QStringList warnings;
    SettingsStore store(m_settings);
    const TeamConfig current = store.load(&warnings);
    if (!store.checkWritable(&error)) {
        setMessage(tr("%1 Nothing was changed.").arg(error), true);
        return false;
    }
    m_pendingChanges = TeamConfig::diff(current, incoming);
    if (m_pendingChanges.isEmpty())
        m_pendingChanges.append(tr("The settings match the current ones."));
    m_pendingChanges.append(hasKey ? tr("API key: replaced by the key in the file")
                                   : tr("API key: unchanged (the file contains none)"));
    m_pending = true;
    m_pendingPath = path;
    m_pendingConfig = incoming;
    m_pendingHasKey = hasKey;
    m_pendingKey = std::exchange(apiKey, QByteArray());
    setMessage(tr("Check the changes below, then import or cancel."), false);
    emit pendingChanged();
    return true;
}

void TeamConfigViewModel::cancelImport()
{
    if (m_busy)
        return;
    const bool wasPending = m_pending;
    clearPending();
    if (wasPending)
        setMessage(tr("Import cancelled. Nothing was changed."), false);
}

void TeamConfigViewModel::confirmImport()
{
    if (m_busy || !m_pending)
        return;
    if (!m_pendingHasKey) {
        saveImportedSettings();
        return;
    }
    if (!m_keys) {
        setMessage(tr("No keychain is available to store the API key. Nothing was changed."), true);
        clearPending();
        emit importFinished(false);
        return;
    }
    setBusy(true);
    QString keyText = QString::fromUtf8(m_pendingKey);
    std::weak_ptr<bool> alive = m_alive;
    // The key goes first, as in the command: the keychain is the step most likely to fail,
    // and failing there leaves the settings untouched.
    // NOTE: QtKeychain keeps its own copies of the key, which the wipes here cannot reach.
    m_keys->write(keyText, [this, alive](const KeyStore::Result &stored) {
        const auto locked = alive.lock();
        if (!locked || !*locked)
            return;
        setBusy(false);
        if (!stored.ok) {
            setMessage(tr("Storing the API key in the keychain failed: %1 Nothing was changed.").arg(stored.error),
                       true);
            clearPending();
            emit importFinished(false);
            return;
        }
        saveImportedSettings();
    });
    KeyEnvelope::wipe(&keyText);
}

void TeamConfigViewModel::saveImportedSettings()
{
    QString error;
    const bool hadKey = m_pendingHasKey;
    const QString path = m_pendingPath;
    const qsizetype keyLength = m_pendingKey.size();
    const bool saved = SettingsStore(m_settings).save(m_pendingConfig, &error);
    clearPending();
    if (!saved) {
        setMessage(error + u' '
                       + (hadKey ? tr("The API key was already stored in the keychain.") : tr("Nothing was changed.")),
                   true);
        emit importFinished(false);
        return;
    }
    qCInfo(lcTeamConfigView).noquote() << "Imported the team configuration from" << path;
    setMessage(hadKey ? tr("Imported the team configuration from %1 and stored the API key (%2 characters) in the "
                           "keychain.")
                            .arg(path)
                            .arg(keyLength)
                      : tr("Imported the team configuration from %1. The file contains no API key and its settings "
                           "are not authenticated; import such files only from someone you trust.")
                            .arg(path),
               false);
    emit importFinished(true);
}

} // namespace vtrelay
