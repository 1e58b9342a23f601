// SPDX-License-Identifier: MIT
// The key dialog on the Key and settings page: masked input, validation, saving, and that the
// key is never shown again.
import QtQuick
import QtQuick.Controls
import QtTest
import VtRelay
import VtRelayTest

Item {
    id: window
    width: 900
    height: 700

    Component {
        id: pageComponent
        SettingsPage {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "KeyDialog"
        when: windowShown

        property var page

        // Types text one character at a time, as a user would.
        function typeText(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i])
        }
        property var dialog

        function init() {
            // A binding or script error in the page fails the test that caused it.
            failOnWarning(/qrc:\/qt\/qml\/VtRelay\//)
            page = createTemporaryObject(pageComponent, window)
            verify(page)
            dialog = findChild(page, "keyDialog")
            verify(dialog)
        }

        function cleanup() {
            if (dialog && dialog.opened)
                dialog.close()
            tryCompare(dialog, "visible", false)
        }

        function openDialog() {
            mouseClick(findChild(page, "setKey"))
            tryCompare(dialog, "opened", true)
            const field = findChild(dialog, "keyField")
            verify(field)
            tryVerify(() => field.activeFocus)
            return field
        }

        function test_inputIsMasked() {
            const field = openDialog()
            compare(field.echoMode, TextInput.Password)
            compare(field.text, "")
        }

        function test_saveEnabledOnlyForPlausibleKeys_data() {
            return [
                { tag: "empty", text: "", enabled: false, hint: false },
                { tag: "with a space", text: "abc def", enabled: false, hint: true },
                { tag: "hexadecimal", text: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", enabled: true, hint: false },
                { tag: "short test key", text: "test-key-1", enabled: true, hint: false },
            ]
        }

        function test_saveEnabledOnlyForPlausibleKeys(data) {
            const field = openDialog()
            if (data.text !== "")
                typeText(data.text)
            compare(field.text, data.text)
            compare(dialog.standardButton(Dialog.Save).enabled, data.enabled)
            compare(findChild(dialog, "keyHint").visible, data.hint)
        }

        function test_saveStoresKeyAndForgetsIt() {
            const writesBefore = TestData.keychainWrites
            const field = openDialog()
            typeText("saved-key-42")
            keyClick(Qt.Key_Return)
            tryCompare(dialog, "visible", false)
            compare(field.text, "", "the field is emptied once the key is handed over")
            tryCompare(TestData, "keychainWrites", writesBefore + 1)
            verify(TestData.storedKeyIs("saved-key-42"))
            tryCompare(AppState.key, "hasKey", true)
            verify(AppState.key.statusText.indexOf("saved-key-42") < 0)
            // Saving tests the key through the relay; the page is usable again afterwards.
            tryCompare(AppState.key, "busy", false, 15000)
            // Opening the dialog again shows an empty field, never the stored key.
            const again = openDialog()
            compare(again.text, "")
        }

        function test_cancelStoresNothing() {
            const writesBefore = TestData.keychainWrites
            const field = openDialog()
            typeText("not-saved")
            keyClick(Qt.Key_Escape)
            tryCompare(dialog, "visible", false)
            compare(field.text, "")
            compare(TestData.keychainWrites, writesBefore)
        }
    }
}
