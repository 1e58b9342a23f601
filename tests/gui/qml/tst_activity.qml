// SPDX-License-Identifier: MIT
// The Activity page: filtering, clearing, keyboard selection and the details pane.
import QtQuick
import QtTest
import VtRelay
import VtRelayTest

Item {
    id: root
    width: 1100
    height: 700

    Component {
        id: pageComponent
        ActivityPage {
            anchors.fill: parent
        }
    }

    TestCase {
        name: "ActivityPage"
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
            AppState.requestLog.clear()
            AppState.requests.resetFilters()
            TestData.populate()
            page = createTemporaryObject(pageComponent, root)
            verify(page)
            tryCompare(findChild(page, "requestView"), "count", 7)
        }

        function test_filter_data() {
            return [
                { tag: "everything", text: "", status: "", outcome: "", expected: 7 },
                { tag: "domain text", text: "example.com", status: "", outcome: "", expected: 2 },
                { tag: "client text, any case", text: "MOZILLA", status: "", outcome: "", expected: 2 },
                { tag: "hash prefix", text: "275a021b", status: "", outcome: "", expected: 2 },
                { tag: "error code", text: "RelayPaused", status: "", outcome: "", expected: 1 },
                { tag: "status 4xx", text: "", status: "4xx", outcome: "", expected: 2 },
                { tag: "status 2xx and HIT", text: "", status: "2xx", outcome: "HIT", expected: 2 },
                { tag: "MISS only", text: "", status: "", outcome: "MISS", expected: 3 },
                { tag: "nothing matches", text: "no-such-thing", status: "", outcome: "", expected: 0 },
            ]
        }

        function test_filter(data) {
            const field = findChild(page, "filterText")
            verify(field)
            if (data.text !== "") {
                field.forceActiveFocus()
                typeText(data.text)
            }
            AppState.requests.statusClass = data.status
            AppState.requests.cacheOutcome = data.outcome
            compare(field.text, data.text)
            compare(AppState.requests.count, data.expected)
            tryCompare(findChild(page, "requestView"), "count", data.expected)
            compare(findChild(page, "resetFilters").enabled, data.text !== "" || data.status !== "" || data.outcome !== "")
        }

        function test_statusComboFilters() {
            const combo = findChild(page, "statusFilter")
            combo.forceActiveFocus()
            combo.currentIndex = 4 // 5xx
            combo.activated(4)
            compare(AppState.requests.statusClass, "5xx")
            tryCompare(findChild(page, "requestView"), "count", 1)
            mouseClick(findChild(page, "resetFilters"))
            compare(AppState.requests.statusClass, "")
            compare(combo.currentIndex, 0)
            tryCompare(findChild(page, "requestView"), "count", 7)
        }

        function test_clearView() {
            const clear = findChild(page, "clearLog")
            mouseClick(clear)
            compare(AppState.requestLog.count, 0)
            tryCompare(findChild(page, "requestView"), "count", 0)
            // New requests appear again after clearing.
            TestData.populate()
            tryCompare(findChild(page, "requestView"), "count", 7)
        }

        function test_keyboardSelectsAndShowsDetails() {
            const view = findChild(page, "requestView")
            view.forceActiveFocus()
            verify(view.activeFocus)
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Down)
            compare(view.currentIndex, 1)
            // Newest first: row 1 is the 429 upload of sample 6.
            compare(page.details.status, 429)
            compare(page.details.method, "POST")
            verify(page.details.curl.indexOf("-X POST") >= 0)
            verify(page.details.requestHeaders.indexOf("<redacted>") >= 0)
            keyClick(Qt.Key_Down)
            compare(page.details.target.indexOf("/vtapi/v2/url/report"), 0)
            verify(page.details.curl.indexOf("apikey") < 0, "copy as curl must not carry the key parameter")
            verify(page.details.body.indexOf("\n") > 0, "the body is shown as formatted JSON")
        }

        function test_findShortcutFocusesFilter() {
            const view = findChild(page, "requestView")
            view.forceActiveFocus()
            keySequence(StandardKey.Find)
            verify(findChild(page, "filterText").activeFocus)
        }

        function test_labelsArePlainText() {
            // Text from the network must never be interpreted as markup.
            const label = findChild(page, "rowCount")
            compare(label.textFormat, Text.PlainText)
        }
    }
}
