// SPDX-License-Identifier: MIT
// KeyViewModel: loading, saving, removing and testing the key, with an in-memory keychain and
// one that is missing. No property may ever show the key.
#include "ErrorSink.h"
#include "KeyViewModel.h"
#include "MemoryKeyStore.h"
#include "RelayHost.h"
#include "keys/ApiKeyProvider.h"

#include <QMetaProperty>
#include <QSignalSpy>
#include <QtTest>

using namespace vtrelay;

namespace {
const QString kKey = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
} // namespace

class TestKeyViewModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void plausibleKeys_data();
    void plausibleKeys();
    void loadFromKeychain();
    void loadWithoutKeyRaisesQuietProblem();
    void loadWithoutKeychainExplains();
    void environmentOverridesKeychain();
    void saveStoresAndUsesKey();
    void saveRejectsImplausibleText();
    void saveFailsWithoutKeychain();
    void removeClearsKey();
    void noPropertyShowsTheKey();

private:
    void verifyNoPropertyHolds(const QString &secret);

    MemoryKeyStore m_store;
    ApiKeyProvider m_keys;
    ErrorSink m_errors;
    std::unique_ptr<RelayHost> m_host;
    std::unique_ptr<KeyViewModel> m_model;
};

void TestKeyViewModel::init()
{
    qunsetenv("VTRELAY_API_KEY");
    m_store = MemoryKeyStore();
    m_keys.clear();
    for (auto problem : {ErrorSink::Problem::NoKey, ErrorSink::Problem::Keychain, ErrorSink::Problem::KeyRejected})
        m_errors.resolve(problem);
    RelaySettings settings;
    settings.port = 9; // nothing listens: a key test fails fast without leaving loopback
    m_host = std::make_unique<RelayHost>(settings, &m_keys);
    m_model = std::make_unique<KeyViewModel>(&m_store, &m_keys, m_host.get(), &m_errors);
}

void TestKeyViewModel::cleanup()
{
    m_model.reset();
    m_host.reset();
    qunsetenv("VTRELAY_API_KEY");
}

void TestKeyViewModel::plausibleKeys_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("plausible");
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("spaces only") << QStringLiteral("   ") << false;
    QTest::newRow("64 hex digits") << kKey << true;
    QTest::newRow("surrounding whitespace") << u' ' + kKey + u'\n' << true;
    QTest::newRow("inner space") << QStringLiteral("abc def") << false;
    QTest::newRow("non-ASCII") << QStringLiteral("abc\u00e9") << false;
    QTest::newRow("control character") << QStringLiteral("abc\tdef") << false;
}

void TestKeyViewModel::plausibleKeys()
{
    QFETCH(QString, text);
    QFETCH(bool, plausible);
    QCOMPARE(KeyViewModel::isPlausibleKey(text), plausible);
}

void TestKeyViewModel::loadFromKeychain()
{
    m_store.stored = kKey;
    QSignalSpy state(m_model.get(), &KeyViewModel::keyStateChanged);
    m_model->load();
    QVERIFY(m_model->isBusy());
    QTRY_VERIFY(!m_model->isBusy());
    QVERIFY(m_model->hasKey());
    QCOMPARE(m_keys.source(), ApiKeyProvider::Source::Keychain);
    QVERIFY(m_model->keychainAvailable());
    QVERIFY(!m_errors.has(ErrorSink::Problem::NoKey));
    QVERIFY(state.count() >= 1);
    QVERIFY(m_model->statusText().contains(m_model->backendName()));
}

void TestKeyViewModel::loadWithoutKeyRaisesQuietProblem()
{
    QSignalSpy notify(&m_errors, &ErrorSink::notify);
    m_model->load();
    QTRY_VERIFY(!m_model->isBusy());
    QVERIFY(!m_model->hasKey());
    QVERIFY(m_errors.has(ErrorSink::Problem::NoKey));
    QCOMPARE(notify.count(), 0); // a first launch shows the banner only
    QVERIFY(m_model->statusText().contains(QStringLiteral("No key")));
}

void TestKeyViewModel::loadWithoutKeychainExplains()
{
    m_store.available = false;
    QSignalSpy keychain(m_model.get(), &KeyViewModel::keychainChanged);
    m_model->load();
    QTRY_VERIFY(!m_model->isBusy());
    QVERIFY(!m_model->keychainAvailable());
    QVERIFY(m_model->keychainMessage().contains(QStringLiteral("VTRELAY_API_KEY")));
    QVERIFY(m_errors.has(ErrorSink::Problem::Keychain));
    QCOMPARE(keychain.count(), 1);
}

void TestKeyViewModel::environmentOverridesKeychain()
{
    m_store.stored = QStringLiteral("keychain-key");
    qputenv("VTRELAY_API_KEY", "environment-key");
    m_model->load();
    QVERIFY(m_model->fromEnvironment());
    QCOMPARE(m_keys.key(), QStringLiteral("environment-key"));
    QVERIFY(m_model->statusText().contains(QStringLiteral("VTRELAY_API_KEY")));
}

void TestKeyViewModel::saveStoresAndUsesKey()
{
    QSignalSpy saved(m_model.get(), &KeyViewModel::saved);
    QSignalSpy result(m_model.get(), &KeyViewModel::resultChanged);
    m_model->save(u' ' + kKey + u' ');
    QVERIFY(saved.wait(5000));
    QCOMPARE(m_store.stored, kKey);
    QCOMPARE(m_keys.key(), kKey);
    QCOMPARE(m_keys.source(), ApiKeyProvider::Source::Keychain);
    // Saving also tests the key through the relay. Nothing listens here, so the result reports that.
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isBusy(), 10000);
    QVERIFY(m_model->resultText().contains(QStringLiteral("relay did not answer")));
    QVERIFY(result.count() >= 2);
    verifyNoPropertyHolds(kKey);
}

void TestKeyViewModel::saveRejectsImplausibleText()
{
    m_model->save(QStringLiteral("not a key"));
    QVERIFY(!m_model->resultOk());
    QCOMPARE(m_store.writes, 0);
    QVERIFY(!m_keys.hasKey());
}

void TestKeyViewModel::saveFailsWithoutKeychain()
{
    m_store.available = false;
    QSignalSpy result(m_model.get(), &KeyViewModel::resultChanged);
    m_model->save(kKey);
    QTRY_VERIFY(!m_model->isBusy());
    QVERIFY(!m_model->resultOk());
    QVERIFY(m_model->resultText().contains(QStringLiteral("not saved")));
    QVERIFY(!m_keys.hasKey());
    QVERIFY(!m_model->keychainAvailable());
}

void TestKeyViewModel::removeClearsKey()
{
    m_store.stored = kKey;
    m_model->load();
    QTRY_VERIFY(m_model->hasKey());
    QSignalSpy state(m_model.get(), &KeyViewModel::keyStateChanged);
    m_model->remove();
    QTRY_VERIFY(!m_model->isBusy());
    QVERIFY(!m_model->hasKey());
    QVERIFY(m_store.stored.isEmpty());
    QVERIFY(m_errors.has(ErrorSink::Problem::NoKey));
    QVERIFY(state.count() >= 1);
}

void TestKeyViewModel::verifyNoPropertyHolds(const QString &secret)
{
    const QMetaObject *meta = m_model->metaObject();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        const QString value = property.read(m_model.get()).toString();
        QVERIFY2(!value.contains(secret), property.name());
    }
    for (const ErrorSink::Entry &entry : m_errors.entries())
        QVERIFY(!entry.message.contains(secret));
}

void TestKeyViewModel::noPropertyShowsTheKey()
{
    m_store.stored = kKey;
    m_model->load();
    QTRY_VERIFY(m_model->hasKey());
    verifyNoPropertyHolds(kKey);
    m_model->test();
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isBusy(), 10000);
    verifyNoPropertyHolds(kKey);
}

QTEST_GUILESS_MAIN(TestKeyViewModel)
#include "tst_keyviewmodel.moc"
