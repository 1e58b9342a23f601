// SPDX-License-Identifier: MIT
// The Cache page: entries from the relay's cache, search, and clearing after a confirmation.
import QtQuick
import QtQuick.Controls
import QtTest
import VtRelay

Item {
    id: window
    width: 1100
    height: 700

    Component {
        id: pageComponent
        CachePage {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "CachePage"
        when: windowShown

        property var page

        // Types text one character at a time, as a user would.
        function typeText(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i])
        }

        function init() {
            // A binding or script error in the page fails the test that caused it.
            failOnWarning(/qrc:\/qt\/qml\/VtRelay\//)
            page = createTemporaryObject(pageComponent, window)
            verify(page)
        }

        function test_1_listsAndSearches() {
            tryCompare(AppState.cache, "entryCount", 3)
            const view = findChild(page, "cacheView")
            tryCompare(view, "count", 3)
            const search = findChild(page, "cacheSearch")
            search.forceActiveFocus()
            typeText("example.org")
            tryCompare(view, "count", 1)
            search.text = ""
            tryCompare(view, "count", 3)
        }

        function test_2_clearAskedFirstAndCancelKeepsEntries() {
            tryCompare(AppState.cache, "entryCount", 3)
            const confirm = findChild(page, "confirmClear")
            mouseClick(findChild(page, "clearCache"))
            tryCompare(confirm, "opened", true)
            confirm.reject()
            tryCompare(confirm, "visible", false)
            wait(200)
            compare(AppState.cache.entryCount, 3)
        }

        function test_3_clearAfterConfirmation() {
            tryCompare(AppState.cache, "entryCount", 3)
            const confirm = findChild(page, "confirmClear")
            mouseClick(findChild(page, "clearCache"))
            tryCompare(confirm, "opened", true)
            confirm.accept()
            tryCompare(AppState.cache, "entryCount", 0)
            tryCompare(findChild(page, "cacheView"), "count", 0)
            verify(!findChild(page, "clearCache").enabled)
            verify(AppState.cache.message.indexOf("3") >= 0)
        }
    }
}
