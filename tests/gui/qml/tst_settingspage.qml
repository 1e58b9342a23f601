// SPDX-License-Identifier: MIT
// The browser origins and team configuration parts of the Key and settings page: adding and
// removing an origin through the page, masked passphrases, and a refused import.
import QtQuick
import QtQuick.Controls
import QtTest
import VtRelay

Item {
    id: window
    width: 900
    height: 1400

    Component {
        id: pageComponent
        SettingsPage {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "SettingsPage"
        when: windowShown

        property var page

        function init() {
            failOnWarning(/qrc:\/qt\/qml\/VtRelay\//)
            page = createTemporaryObject(pageComponent, window)
            verify(page)
        }

        function test_allowAndRemoveOrigin_data() {
            return [
                { tag: "web page", origin: "https://tool.example", allowed: true },
                { tag: "not an origin", origin: "https://tool.example/path", allowed: false },
            ]
        }

        function test_allowAndRemoveOrigin(data) {
            const field = findChild(page, "originField")
            verify(field)
            field.text = data.origin
            mouseClick(findChild(page, "allowOrigin"))
            compare(AppState.settings.allowedOrigins.indexOf(data.origin) >= 0, data.allowed)
            compare(findChild(page, "originMessage").visible, true)
            compare(field.text, data.allowed ? "" : data.origin)
            if (!data.allowed)
                return
            const list = findChild(page, "allowedOriginList")
            verify(list)
            const index = AppState.settings.allowedOrigins.indexOf(data.origin)
            const row = list.itemAt(index)
            verify(row)
            mouseClick(findChild(row, "removeOrigin"))
            compare(AppState.settings.allowedOrigins.indexOf(data.origin), -1)
        }

        function test_teamPartShown() {
            compare(findChild(page, "teamPassphrase").echoMode, TextInput.Password)
            compare(findChild(page, "teamPassphraseRepeat").echoMode, TextInput.Password)
            verify(findChild(page, "termsNotice").text.indexOf("group API keys") >= 0)
            compare(findChild(page, "exportTeam").enabled, false)
            findChild(page, "teamPath").text = "/nonexistent/team.json"
            compare(findChild(page, "exportTeam").enabled, true)
            mouseClick(findChild(page, "importTeam"))
            verify(findChild(page, "teamMessage").text.indexOf("Nothing was changed.") >= 0)
            compare(findChild(page, "teamChanges").visible, false)
        }
    }
}
