// SPDX-License-Identifier: MIT
#include "ConfigCommands.h"

#include "SettingsStore.h"
#include "config/KeyEnvelope.h"
#include "config/TeamConfig.h"
#include "keys/KeyStore.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QScopeGuard>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <functional>

#if defined(Q_OS_WIN)
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <termios.h>
#include <unistd.h>
#endif

namespace vtrelay {

namespace {
using ConfigCommands::kMinPassphraseCharacters;
using ConfigCommands::countUtf8Characters;
using ConfigCommands::isPrintableAscii;
using ConfigCommands::readDocument;
using ConfigCommands::writePrivateFile;

constexpr qsizetype kMaxPassphraseBytes = 1024;
// A team configuration is a few hundred bytes. The bound stops a wrong path from loading a huge file.
constexpr qint64 kMaxConfigFileBytes = 1024 * 1024;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// Keeps only the first line of text, wiping the rest of the buffer before it is released.
void keepFirstLine(QByteArray *text)
{
    qsizetype length = text->indexOf('\n');
    if (length < 0)
        length = text->size();
    if (length > 0 && text->at(length - 1) == '\r')
        --length;
    std::fill(text->begin() + length, text->end(), '\0');
    text->truncate(length);
}

bool readPassphraseFile(const QString &path, QByteArray *passphrase, QString *error)
{
    QFile file(path);
    // Unbuffered, so no copy of the passphrase stays in QFile's read buffer.
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("Could not open the passphrase file %1: %2.").arg(path, file.errorString());
        return false;
    }
    QByteArray content(kMaxPassphraseBytes + 2, '\0');
    const qint64 size = file.read(content.data(), content.size());
    if (size < 0) {
        *error = QStringLiteral("Reading the passphrase file %1 failed: %2.").arg(path, file.errorString());
        return false;
    }
    content.truncate(size);
    keepFirstLine(&content);
    if (content.size() > kMaxPassphraseBytes) {
        KeyEnvelope::wipe(&content);
        *error = QStringLiteral("The first line of the passphrase file %1 is longer than %2 bytes; use a "
                                "shorter passphrase.")
                     .arg(path)
                     .arg(kMaxPassphraseBytes);
        return false;
    }
    if (content.isEmpty()) {
        *error = QStringLiteral("The passphrase file %1 is empty or starts with an empty line; write the "
                                "passphrase on its first line.")
                     .arg(path);
        return false;
    }
    *passphrase = std::move(content);
    return true;
}

#if defined(Q_OS_WIN)
// NOTE: this Windows branch is compiled and run only by the Windows build, not by the Linux tests.
bool readLineWithoutEcho(const QString &prompt, QByteArray *line, QString *error)
{
    const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    if (!GetConsoleMode(input, &mode)) {
        *error = QStringLiteral("Standard input is not a console, so the passphrase cannot be read without "
                                "echo; pass --passphrase-file FILE.");
        return false;
    }
    SetConsoleMode(input, mode & ~DWORD(ENABLE_ECHO_INPUT));
    err() << prompt;
    err().flush();
    wchar_t buffer[kMaxPassphraseBytes + 2];
    DWORD count = 0;
    const BOOL ok = ReadConsoleW(input, buffer, DWORD(std::size(buffer)), &count, nullptr);
    SetConsoleMode(input, mode);
    err() << '\n';

    DWORD length = 0;
    while (length < count && buffer[length] != L'\r' && buffer[length] != L'\n')
        ++length;
    const bool complete = length < count;
    if (ok && complete && length > 0) {
        const int bytes = WideCharToMultiByte(CP_UTF8, 0, buffer, int(length), nullptr, 0, nullptr, nullptr);
        line->resize(bytes);
        WideCharToMultiByte(CP_UTF8, 0, buffer, int(length), line->data(), bytes, nullptr, nullptr);
    }
    SecureZeroMemory(buffer, sizeof buffer);
    if (!ok || !complete || length == 0) {
        *error = !ok ? QStringLiteral("Reading the passphrase from the console failed.")
                     : QStringLiteral("No passphrase was entered, or it is longer than %1 characters.")
                           .arg(kMaxPassphraseBytes);
        return false;
    }
    return true;
}
#else
termios g_savedTerminal;
volatile sig_atomic_t g_echoDisabled = 0;

// Turns echo back on before Ctrl+C or a hangup ends the process, so the shell stays usable.
void restoreEchoAndReraise(int signal)
{
    if (g_echoDisabled)
        tcsetattr(STDIN_FILENO, TCSANOW, &g_savedTerminal);
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

bool readLineWithoutEcho(const QString &prompt, QByteArray *line, QString *error)
{
    termios terminal;
    if (!::isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &terminal) != 0) {
        *error = QStringLiteral("Standard input is not a terminal, so the passphrase cannot be read without "
                                "echo; pass --passphrase-file FILE.");
        return false;
    }

    g_savedTerminal = terminal;
    const int handledSignals[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction previous[3];
    struct sigaction handler = {};
    handler.sa_handler = restoreEchoAndReraise;
    sigemptyset(&handler.sa_mask);
    for (int i = 0; i < 3; ++i) {
        // A signal the parent process set to be ignored stays ignored.
        sigaction(handledSignals[i], nullptr, &previous[i]);
        if (previous[i].sa_handler == SIG_DFL)
            sigaction(handledSignals[i], &handler, nullptr);
    }
    termios quiet = terminal;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL; // still echo the newline, so the next output starts on a new line
    g_echoDisabled = 1;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);

    err() << prompt;
    err().flush();
    QByteArray buffer(kMaxPassphraseBytes + 1, '\0');
    qsizetype length = 0;
    bool ended = false;
    bool tooLong = false;
    for (;;) {
        char byte = 0;
        const ssize_t count = ::read(STDIN_FILENO, &byte, 1);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            break;
        if (byte == '\n') {
            ended = true;
            break;
        }
        if (length < buffer.size())
            buffer[length++] = byte;
        else
            tooLong = true;
    }

    tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal);
    g_echoDisabled = 0;
    for (int i = 0; i < 3; ++i)
        sigaction(handledSignals[i], &previous[i], nullptr);

    if (!ended || length == 0 || tooLong || length > kMaxPassphraseBytes) {
        KeyEnvelope::wipe(&buffer);
        *error = tooLong || length > kMaxPassphraseBytes
                     ? QStringLiteral("The passphrase is longer than %1 bytes; use a shorter one.").arg(kMaxPassphraseBytes)
                     : QStringLiteral("No passphrase was entered.");
        return false;
    }
    std::fill(buffer.begin() + length, buffer.end(), '\0');
    buffer.truncate(length);
    *line = std::move(buffer);
    return true;
}
#endif

// Reads the passphrase from passphraseFile or, when that is empty, from the terminal. With
// confirm, the terminal prompts twice and both entries must match.
bool readPassphrase(const QString &passphraseFile, bool confirm, QByteArray *passphrase, QString *error)
{
    if (!passphraseFile.isEmpty())
        return readPassphraseFile(passphraseFile, passphrase, error);
    if (!readLineWithoutEcho(QStringLiteral("Passphrase: "), passphrase, error))
        return false;
    if (!confirm)
        return true;

    QByteArray repeated;
    const auto wipeRepeated = qScopeGuard([&repeated] { KeyEnvelope::wipe(&repeated); });
    if (!readLineWithoutEcho(QStringLiteral("Repeat the passphrase: "), &repeated, error)) {
        KeyEnvelope::wipe(passphrase);
        return false;
    }
    if (repeated != *passphrase) {
        KeyEnvelope::wipe(passphrase);
        *error = QStringLiteral("The two passphrases differ; run the command again.");
        return false;
    }
    return true;
}

// Reads the key to export from VTRELAY_API_KEY or, when that is unset, from the keychain.
// source gets a description of where it came from.
bool readApiKey(KeyStore &keys, QByteArray *apiKey, QString *source, QString *error)
{
    QString key = qEnvironmentVariable("VTRELAY_API_KEY").trimmed();
    if (!key.isEmpty()) {
        *source = QStringLiteral("the environment variable VTRELAY_API_KEY");
    } else {
        KeyStore::Result result = KeyStore::callAndWait([&](KeyStore::Callback done) { keys.read(done); });
        if (!result.ok) {
            *error = result.notFound
                         ? QStringLiteral("No API key is stored, so there is none to include. Store one with "
                                          "\"vtrelay key set < key.txt\", or export without --include-key.")
                         : QStringLiteral("Reading the API key from the keychain failed: %1").arg(result.error);
            return false;
        }
        key = result.key.trimmed();
        KeyEnvelope::wipe(&result.key);
        *source = keys.backendName();
    }
    *apiKey = key.toUtf8();
    KeyEnvelope::wipe(&key);
    if (apiKey->isEmpty()) {
        *error = QStringLiteral("The stored API key is empty; store one with \"vtrelay key set < key.txt\".");
        return false;
    }
    return true;
}

void printWarnings(const QStringList &warnings)
{
    for (const QString &warning : warnings)
        err() << "warning: " << warning << '\n';
}

} // namespace

qsizetype ConfigCommands::countUtf8Characters(const QByteArray &utf8)
{
    qsizetype count = 0;
    for (const char byte : utf8) {
        if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

bool ConfigCommands::writePrivateFile(const QString &path, const QByteArray &content, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("Could not create %1: %2.").arg(path, file.errorString());
        return false;
    }
#if !defined(Q_OS_WIN)
    // Set on the temporary file before any content is written, and the final rename keeps it.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        *error = QStringLiteral("Could not restrict the permissions of %1 to 0600: %2.").arg(path, file.errorString());
        return false;
    }
#endif
    if (file.write(content) != content.size() || !file.commit()) {
        *error = QStringLiteral("Could not write %1: %2.").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ConfigCommands::readDocument(const QString &path, QJsonObject *document, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Could not open %1: %2.").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxConfigFileBytes) {
        *error = QStringLiteral("%1 is %2 bytes, far larger than a team configuration; check the file name.")
                     .arg(path)
                     .arg(file.size());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1 is not valid JSON: %2 at byte %3.")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!json.isObject()) {
        *error = QStringLiteral("%1 does not contain a JSON object, so it is not a VT Relay team configuration.")
                     .arg(path);
        return false;
    }
    *document = json.object();
    return true;
}

bool ConfigCommands::isPrintableAscii(const QByteArray &key)
{
    for (const char byte : key) {
        if (byte < 0x21 || byte > 0x7e)
            return false;
    }
    return !key.isEmpty();
}

int ConfigCommands::exportConfig(const QString &path, bool includeKey, const QString &passphraseFile,
                                 KeyStore &keys, SettingsStore &settings)
{
    QStringList warnings;
    const TeamConfig config = settings.load(&warnings);
    printWarnings(warnings);
    QJsonObject document = config.toJson();

    QString keySource;
    if (includeKey) {
        QByteArray apiKey;
        QByteArray passphrase;
        const auto wipeSecrets = qScopeGuard([&] {
            KeyEnvelope::wipe(&apiKey);
            KeyEnvelope::wipe(&passphrase);
        });
        QString error;
        if (!readApiKey(keys, &apiKey, &keySource, &error)) {
            err() << error << " Nothing was exported.\n";
            return 1;
        }
        if (!readPassphrase(passphraseFile, true, &passphrase, &error)) {
            err() << error << " Nothing was exported.\n";
            return 2;
        }
        const qsizetype characters = countUtf8Characters(passphrase);
        if (characters < kMinPassphraseCharacters) {
            err() << "The passphrase has " << characters << " characters; use at least " << kMinPassphraseCharacters
                  << " so that the encrypted key resists guessing. Nothing was exported.\n";
            return 2;
        }
        if (!KeyEnvelope::seal(&document, apiKey, passphrase, KeyEnvelope::moderateCost(), &error)) {
            err() << "Encrypting the API key failed: " << error << " Nothing was exported.\n";
            return 1;
        }
    } else if (!passphraseFile.isEmpty()) {
        err() << "warning: --passphrase-file is ignored without --include-key.\n";
    }

    QString error;
    if (!writePrivateFile(path, QJsonDocument(document).toJson(QJsonDocument::Indented), &error)) {
        err() << error << '\n';
        return 1;
    }
#if defined(Q_OS_WIN)
    out() << "Wrote the team configuration to " << path << ".\n";
#else
    out() << "Wrote the team configuration to " << path << " (permissions 0600).\n";
#endif
    if (includeKey) {
        out() << "It includes the API key from " << keySource << ", encrypted with the passphrase "
              << "(Argon2id and XChaCha20-Poly1305), which also authenticates the settings in the file. "
              << "Give colleagues the passphrase over a different channel than the file.\n";
    } else {
        out() << "It contains no API key and is plain JSON, so nothing detects changes to its settings. "
              << "Export with --include-key to have them authenticated by a passphrase.\n";
    }
    return 0;
}

int ConfigCommands::importConfig(const QString &path, const QString &passphraseFile, KeyStore &keys,
                                 SettingsStore &settings)
{
    QString error;
    QJsonObject document;
    TeamConfig incoming;
    if (!readDocument(path, &document, &error) || !TeamConfig::fromJson(document, &incoming, &error)) {
        err() << "Could not import " << path << ": " << error << " Nothing was changed.\n";
        return 1;
    }

    QByteArray apiKey;
    const auto wipeKey = qScopeGuard([&apiKey] { KeyEnvelope::wipe(&apiKey); });
    const bool hasKey = KeyEnvelope::hasKey(document);
    if (hasKey) {
        QByteArray passphrase;
        const auto wipePassphrase = qScopeGuard([&passphrase] { KeyEnvelope::wipe(&passphrase); });
        if (!readPassphrase(passphraseFile, false, &passphrase, &error)) {
            err() << error << " Nothing was changed.\n";
            return 2;
        }
        if (!KeyEnvelope::open(document, passphrase, &apiKey, &error)) {
            err() << error << " Nothing was imported.\n";
            return 1;
        }
        if (!isPrintableAscii(apiKey)) {
            err() << "The API key in " << path << " is empty or contains spaces or control characters, so it is "
                  << "not a VirusTotal key. Nothing was imported.\n";
            return 1;
        }
    } else if (!passphraseFile.isEmpty()) {
        err() << "warning: " << path << " contains no API key, so --passphrase-file is ignored.\n";
    }

    QStringList warnings;
    const TeamConfig current = settings.load(&warnings);
    printWarnings(warnings);
    if (!settings.checkWritable(&error)) {
        err() << error << " Nothing was changed.\n";
        return 1;
    }

    const QStringList changes = TeamConfig::diff(current, incoming);
    out() << "Importing " << path << ":\n";
    for (const QString &change : changes)
        out() << "  " << change << '\n';
    if (changes.isEmpty())
        out() << "  The settings match the current ones.\n";
    out() << (hasKey ? "  API key: replaced by the key in the file\n"
                     : "  API key: unchanged (the file contains none)\n");
    out().flush();

    // The key goes first: the keychain is the step most likely to fail (locked or missing),
    // and failing there leaves the settings untouched.
    if (hasKey) {
        QString keyText = QString::fromUtf8(apiKey);
        // NOTE: QtKeychain keeps its own copies of the key, which this wipe cannot reach.
        const KeyStore::Result stored = KeyStore::callAndWait([&](KeyStore::Callback done) { keys.write(keyText, done); });
        KeyEnvelope::wipe(&keyText);
        if (!stored.ok) {
            err() << "Storing the API key in the keychain failed: " << stored.error << " Nothing was changed.\n";
            return 1;
        }
    }
    if (!settings.save(incoming, &error)) {
        err() << error << (hasKey ? " The API key was already stored in the keychain.\n" : " Nothing was changed.\n");
        return 1;
    }

    out() << "Imported the team configuration from " << path << ".\n";
    if (hasKey) {
        out() << "Stored the API key (" << apiKey.size() << " characters) in " << keys.backendName() << ".\n";
        if (!qEnvironmentVariableIsEmpty("VTRELAY_API_KEY"))
            out() << "VTRELAY_API_KEY is set in this environment and overrides the keychain.\n";
    } else {
        out() << "The file contains no API key and its settings are not authenticated; import such files only "
                 "from someone you trust.\n";
    }
    return 0;
}

} // namespace vtrelay
