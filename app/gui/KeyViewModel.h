// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;

namespace vtrelay {

class ApiKeyProvider;
class ErrorSink;
class KeyStore;
class RelayHost;

// The key part of the Key and settings page: set, test and remove the VirusTotal key. The key
// passes through save() into the keychain and the ApiKeyProvider and is never kept in a
// property, so QML can never read it back.
class KeyViewModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.key")
    Q_PROPERTY(bool hasKey READ hasKey NOTIFY keyStateChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY keyStateChanged)
    Q_PROPERTY(bool fromEnvironment READ fromEnvironment NOTIFY keyStateChanged)
    Q_PROPERTY(QString backendName READ backendName CONSTANT)
    Q_PROPERTY(bool keychainAvailable READ keychainAvailable NOTIFY keychainChanged)
    Q_PROPERTY(QString keychainMessage READ keychainMessage NOTIFY keychainChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString resultText READ resultText NOTIFY resultChanged)
    Q_PROPERTY(bool resultOk READ resultOk NOTIFY resultChanged)
public:
    KeyViewModel(KeyStore *store, ApiKeyProvider *keys, RelayHost *host, ErrorSink *errors,
                 QObject *parent = nullptr);

    bool hasKey() const;
    QString statusText() const;
    bool fromEnvironment() const;
    QString backendName() const { return m_backendName; }
    bool keychainAvailable() const { return m_keychainAvailable; }
    QString keychainMessage() const { return m_keychainMessage; }
    bool isBusy() const { return m_busy; }
    QString resultText() const { return m_resultText; }
    bool resultOk() const { return m_resultOk; }

    // Reads the key from VTRELAY_API_KEY or the keychain into the provider.
    Q_INVOKABLE void load();
    // Checks the text, stores it in the keychain, puts it to use and tests it.
    Q_INVOKABLE void save(const QString &key);
    // Asks VirusTotal, through the relay, whether it accepts the key in use.
    Q_INVOKABLE void test();
    Q_INVOKABLE void remove();
    // Whether text could be a key: printable ASCII without spaces.
    Q_INVOKABLE static bool isPlausibleKey(const QString &text);

    // Which keychain QtKeychain uses here: Windows Credential Manager, KWallet or Secret Service.
    static QString detectBackendName(const QString &fallback);

signals:
    void keyStateChanged();
    void keychainChanged();
    void busyChanged();
    void resultChanged();
    void saved();

private:
    void setBusy(bool busy);
    void setResult(const QString &text, bool ok);
    void setKeychain(bool available, const QString &message);
    void updateKeyProblem();

    KeyStore *m_store;
    ApiKeyProvider *m_keys;
    RelayHost *m_host;
    ErrorSink *m_errors;
    QNetworkAccessManager *m_network;
    QString m_backendName;
    bool m_keychainAvailable = true;
    QString m_keychainMessage;
    bool m_busy = false;
    QString m_resultText;
    bool m_resultOk = false;
};

} // namespace vtrelay
