// SPDX-License-Identifier: MIT
#include "KeyViewModel.h"

#include "ErrorSink.h"
#include "RelayHost.h"
#include "keys/ApiKeyProvider.h"
#include "keys/KeyStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QUrl>

Q_LOGGING_CATEGORY(lcKeyView, "vtrelay.gui.key")

namespace vtrelay {

namespace {
QString errorCodeOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject()
        .value(QStringLiteral("code")).toString();
}
} // namespace

KeyViewModel::KeyViewModel(KeyStore *store, ApiKeyProvider *keys, RelayHost *host, ErrorSink *errors,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_keys(keys)
    , m_host(host)
    , m_errors(errors)
    , m_network(new QNetworkAccessManager(this))
    , m_backendName(detectBackendName(store->backendName()))
{
    connect(m_keys, &ApiKeyProvider::keyChanged, this, [this] {
        updateKeyProblem();
        emit keyStateChanged();
    });
}

QString KeyViewModel::detectBackendName(const QString &fallback)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(fallback)
    return QStringLiteral("Windows Credential Manager");
#elif defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    // QtKeychain picks KWallet on KDE Plasma and the Secret Service elsewhere.
    const QString desktop = qEnvironmentVariable("XDG_CURRENT_DESKTOP") + u':' + qEnvironmentVariable("DESKTOP_SESSION");
    if (desktop.contains(u"KDE", Qt::CaseInsensitive) || desktop.contains(u"plasma", Qt::CaseInsensitive))
        return QStringLiteral("KWallet");
    Q_UNUSED(fallback)
    return QStringLiteral("Secret Service");
#else
    return fallback;
#endif
}

bool KeyViewModel::hasKey() const
{
    return m_keys->hasKey();
}

bool KeyViewModel::fromEnvironment() const
{
    return m_keys->source() == ApiKeyProvider::Source::Environment;
}

QString KeyViewModel::statusText() const
{
    switch (m_keys->source()) {
    case ApiKeyProvider::Source::Environment:
        return tr("Key set by the environment variable VTRELAY_API_KEY (it overrides the keychain).");
    case ApiKeyProvider::Source::Keychain:
        return tr("Key stored in %1.").arg(m_backendName);
    case ApiKeyProvider::Source::None:
        break;
    }
    return tr("No key set. Requests are answered with RelayNoApiKey until you set one.");
}

bool KeyViewModel::isPlausibleKey(const QString &text)
{
    if (text.trimmed().isEmpty())
        return false;
    for (QChar c : text.trimmed()) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

void KeyViewModel::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void KeyViewModel::setResult(const QString &text, bool ok)
{
    m_resultText = text;
    m_resultOk = ok;
    emit resultChanged();
}

void KeyViewModel::setKeychain(bool available, const QString &message)
{
    if (available)
        m_errors->resolve(ErrorSink::Problem::Keychain);
    else if (!fromEnvironment())
        m_errors->raise(ErrorSink::Problem::Keychain, message);
    if (m_keychainAvailable == available && m_keychainMessage == message)
        return;
    m_keychainAvailable = available;
    m_keychainMessage = message;
    emit keychainChanged();
}

void KeyViewModel::updateKeyProblem()
{
    if (m_keys->hasKey()) {
        m_errors->resolve(ErrorSink::Problem::NoKey);
        return;
    }
    // Quiet, because on a first launch the banner is enough and a desktop notification would only nag.
    m_errors->raise(ErrorSink::Problem::NoKey,
                    tr("Requests get RelayNoApiKey. Set your VirusTotal API key on the Key and settings page."),
                    true);
}

void KeyViewModel::load()
{
    const QString fromEnvironment = qEnvironmentVariable("VTRELAY_API_KEY").trimmed();
    if (!fromEnvironment.isEmpty()) {
        m_keys->setKey(fromEnvironment, ApiKeyProvider::Source::Environment);
        updateKeyProblem();
        emit keyStateChanged();
        return;
    }
    setBusy(true);
    QPointer<KeyViewModel> self(this);
    m_store->read([self](const KeyStore::Result &result) {
        if (!self)
            return;
        self->setBusy(false);
        if (result.ok && !result.key.trimmed().isEmpty()) {
            self->m_keys->setKey(result.key.trimmed(), ApiKeyProvider::Source::Keychain);
            self->setKeychain(true, QString());
        } else if (result.ok || result.notFound) {
            self->setKeychain(true, QString());
        } else {
            self->setKeychain(false, result.error);
        }
        self->updateKeyProblem();
        emit self->keyStateChanged();
    });
}

void KeyViewModel::save(const QString &key)
{
    const QString trimmed = key.trimmed();
    if (!isPlausibleKey(trimmed)) {
        setResult(tr("That is not a VirusTotal key: a key is 64 letters and digits without spaces."), false);
        return;
    }
    setBusy(true);
    setResult(tr("Saving the key in %1…").arg(m_backendName), true);
    QPointer<KeyViewModel> self(this);
    m_store->write(trimmed, [self, trimmed](const KeyStore::Result &result) {
        if (!self)
            return;
        self->setBusy(false);
        if (!result.ok) {
            self->setKeychain(false, result.error);
            self->setResult(tr("The key was not saved: %1").arg(result.error), false);
            return;
        }
        self->setKeychain(true, QString());
        qCInfo(lcKeyView).noquote() << "Stored a new API key in" << self->m_backendName;
        if (self->fromEnvironment()) {
            self->setResult(tr("Saved in %1. VTRELAY_API_KEY is set and stays in use until you unset it.")
                                .arg(self->m_backendName), true);
            emit self->saved();
            return;
        }
        self->m_keys->setKey(trimmed, ApiKeyProvider::Source::Keychain);
        self->m_errors->resolve(ErrorSink::Problem::KeyRejected);
        emit self->saved();
        self->test();
    });
}

void KeyViewModel::test()
{
    if (!m_keys->hasKey()) {
        setResult(tr("There is no key to test. Enter one first."), false);
        return;
    }
    // One lookup of a well-known domain, past the cache, so that VirusTotal sees the key. The
    // relay adds the key as usual. An endpoint that names the key in its path would be cheaper,
    // but the path would then carry the key into log lines.
    QNetworkRequest request(QUrl(QStringLiteral("http://%1/api/v3/domains/virustotal.com").arg(m_host->address())));
    request.setRawHeader("Cache-Control", "no-cache");
    request.setRawHeader("User-Agent", "VT Relay window (key test)");
    request.setTransferTimeout(60 * 1000);
    setBusy(true);
    setResult(tr("Asking VirusTotal… (this spends one lookup and waits its turn in the quota queue)"), true);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        setBusy(false);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString code = errorCodeOf(reply->readAll());
        if (status >= 200 && status < 300) {
            m_errors->resolve(ErrorSink::Problem::KeyRejected);
            setResult(tr("VirusTotal accepted the key."), true);
        } else if (code == u"WrongCredentialsError" || status == 401 || status == 403) {
            setResult(tr("VirusTotal rejected the key (%1). Check it and save it again.")
                          .arg(code.isEmpty() ? QString::number(status) : code), false);
        } else if (code == u"RelayPaused") {
            setResult(tr("The relay is paused. Resume it, then test again."), false);
        } else if (status == 429 || code == u"QuotaExceededError") {
            setResult(tr("The key works, but its quota is used up for now."), true);
        } else if (status == 0) {
            setResult(tr("The relay did not answer: %1.").arg(reply->errorString()), false);
        } else {
            setResult(tr("VirusTotal could not be asked (%1). Try again later.")
                          .arg(code.isEmpty() ? QString::number(status) : code), false);
        }
    });
}

void KeyViewModel::remove()
{
    setBusy(true);
    QPointer<KeyViewModel> self(this);
    m_store->remove([self](const KeyStore::Result &result) {
        if (!self)
            return;
        self->setBusy(false);
        if (!result.ok) {
            self->setKeychain(false, result.error);
            self->setResult(tr("The key was not removed: %1").arg(result.error), false);
            return;
        }
        self->setKeychain(true, QString());
        if (self->m_keys->source() == ApiKeyProvider::Source::Keychain)
            self->m_keys->clear();
        self->setResult(self->fromEnvironment()
                            ? tr("Removed from %1. VTRELAY_API_KEY is still set and stays in use.")
                                  .arg(self->m_backendName)
                            : tr("Removed the key from %1.").arg(self->m_backendName),
                        true);
        emit self->keyStateChanged();
    });
}

} // namespace vtrelay
