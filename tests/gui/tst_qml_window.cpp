// SPDX-License-Identifier: MIT
// Qt Quick Test runner for the QML window (tests/gui/qml/tst_*.qml). Each test file gets a
// fresh AppState on a real relay (loopback, a temporary cache with three entries) with an
// in-memory keychain, and the singleton TestData to fill the request log.
#include "AppState.h"
#include "ErrorSink.h"
#include "LoginItem.h"
#include "MemoryKeyStore.h"
#include "RelayHost.h"
#include "SampleRecords.h"
#include "cache/CacheStore.h"
#include "cache/Gzip.h"
#include "keys/ApiKeyProvider.h"

#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(VtRelayPlugin)

using namespace vtrelay;

// What the QML tests may ask of the fixture. It reveals the stored key's length only.
class TestData : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int storedKeyLength READ storedKeyLength NOTIFY changed)
    Q_PROPERTY(int keychainWrites READ keychainWrites NOTIFY changed)
public:
    void setKeys(MemoryKeyStore *keys) { m_keys = keys; }
    int storedKeyLength() const { return int(m_keys->stored.size()); }
    int keychainWrites() const { return m_keys->writes; }
    Q_INVOKABLE void populate() { AppState::instance()->addRecords(sampleRecords()); }
    // Whether the stored key equals text; lets a test check what was saved without reading it.
    Q_INVOKABLE bool storedKeyIs(const QString &text) const { return m_keys->stored == text; }

signals:
    void changed();

private:
    MemoryKeyStore *m_keys = nullptr;
};

// One relay, app state and key store per QML test file.
struct Fixture
{
    QTemporaryDir dir;
    MemoryKeyStore keys;
    ApiKeyProvider provider;
    ErrorSink errors;
    std::unique_ptr<RelayHost> host;
    std::unique_ptr<AppState> state;

    bool start()
    {
        const QString cacheDir = dir.filePath(QStringLiteral("cache"));
        {
            CacheStore store(cacheDir);
            QString error;
            if (!store.open(&error))
                return false;
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const QStringList domains{QStringLiteral("example.com"), QStringLiteral("example.org"),
                                      QStringLiteral("example.net")};
            for (int i = 0; i < domains.size(); ++i) {
                CacheEntry entry;
                entry.key = QStringLiteral("v3:domain:") + domains.at(i);
                entry.kind = QStringLiteral("domain");
                entry.objectId = domains.at(i);
                entry.status = 200;
                entry.gzipBody = Gzip::compress(R"({"data":{"id":")" + domains.at(i).toUtf8() + R"("}})");
                entry.storedAt = now - (i + 1) * 60'000;
                entry.expiresAt = now + 3600'000;
                store.store(entry);
            }
        }
        RelaySettings settings;
        settings.port = 0;
        settings.cacheDirectory = cacheDir;
        settings.upstream.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        host = std::make_unique<RelayHost>(settings, &provider);
        QString error;
        if (!host->start(&error))
            return false;
        auto settingsModel = std::make_unique<SettingsViewModel>(
            std::make_unique<QSettings>(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
            std::make_unique<LoginItem>(dir.filePath(QStringLiteral("autostart"))), host.get());
        state = std::make_unique<AppState>(host.get(), &errors, &keys, std::move(settingsModel));
        AppState::setInstance(state.get());
        state->initialize(true, QString());
        return true;
    }
};

class Setup : public QObject
{
    Q_OBJECT
public slots:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        m_fixture.reset();
        m_fixture = std::make_unique<Fixture>();
        if (!m_fixture->start())
            qFatal("The relay for the QML tests did not start");
        m_data.setKeys(&m_fixture->keys);
        if (!m_registered)
            qmlRegisterSingletonInstance("VtRelayTest", 1, 0, "TestData", &m_data);
        m_registered = true;
    }
    void cleanupTestCase() { m_fixture.reset(); }

private:
    std::unique_ptr<Fixture> m_fixture;
    TestData m_data;
    bool m_registered = false;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml_window, Setup)

#include "tst_qml_window.moc"
