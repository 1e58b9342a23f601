// SPDX-License-Identifier: MIT
#include "KeychainKeyStore.h"

#include <qt6keychain/keychain.h>

namespace vtrelay {

namespace {
const QString kAccount = QStringLiteral("virustotal-api-key");

QString describe(QKeychain::Error error, const QString &detail)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("No OS keychain is available (%1). On Linux start a Secret Service such as "
                              "GNOME Keyring or KWallet; on a server use the VTRELAY_API_KEY environment "
                              "variable instead.").arg(detail);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return QStringLiteral("The keychain refused access (%1). Unlock it and try again.").arg(detail);
    case QKeychain::EntryNotFound:
        return QStringLiteral("No VirusTotal key is stored in the keychain.");
    default:
        return QStringLiteral("The keychain reported an error: %1.").arg(detail);
    }
}

template<typename Job>
Job *configured(Job *job)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(kAccount);
    return job;
}
} // namespace

KeychainKeyStore::KeychainKeyStore(QString service)
    : m_service(std::move(service))
{
}

QString KeychainKeyStore::backendName() const
{
#if defined(Q_OS_WIN)
    return QStringLiteral("Windows Credential Manager");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("macOS Keychain");
#else
    return QStringLiteral("Secret Service or KWallet");
#endif
}

void KeychainKeyStore::read(Callback done)
{
    auto *job = configured(new QKeychain::ReadPasswordJob(m_service));
    QObject::connect(job, &QKeychain::Job::finished, [done](QKeychain::Job *finished) {
        auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
        Result result;
        result.ok = readJob->error() == QKeychain::NoError;
        result.notFound = readJob->error() == QKeychain::EntryNotFound;
        if (result.ok)
            result.key = readJob->textData();
        else
            result.error = describe(readJob->error(), readJob->errorString());
        done(result);
    });
    job->start();
}

void KeychainKeyStore::write(const QString &key, Callback done)
{
    auto *job = configured(new QKeychain::WritePasswordJob(m_service));
    job->setTextData(key);
    QObject::connect(job, &QKeychain::Job::finished, [done](QKeychain::Job *finished) {
        Result result;
        result.ok = finished->error() == QKeychain::NoError;
        if (!result.ok)
            result.error = describe(finished->error(), finished->errorString());
        done(result);
    });
    job->start();
}

void KeychainKeyStore::remove(Callback done)
{
    auto *job = configured(new QKeychain::DeletePasswordJob(m_service));
    QObject::connect(job, &QKeychain::Job::finished, [done](QKeychain::Job *finished) {
        Result result;
        result.ok = finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound;
        result.notFound = finished->error() == QKeychain::EntryNotFound;
        if (!result.ok)
            result.error = describe(finished->error(), finished->errorString());
        done(result);
    });
    job->start();
}

} // namespace vtrelay
