// SPDX-License-Identifier: MIT
// The live request log: filter bar, newest-first list and a details pane.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

Item {
    id: page
    objectName: "activityPage"

    property var requests: AppState.requests
    property var details: ({})
    property int selectedSequence: -1
    readonly property bool wide: width >= 900

    function showDetails(sequence) {
        selectedSequence = sequence
        details = sequence >= 0 ? AppState.requestLog.details(sequence) : ({})
    }

    Shortcut {
        sequences: [StandardKey.Find]
        enabled: page.visible
        onActivated: filterText.forceActiveFocus()
    }
    Shortcut {
        sequences: [StandardKey.Copy]
        enabled: page.visible && list.activeFocus && page.selectedSequence >= 0
        onActivated: AppState.copyText(AppState.requestLog.curlCommand(page.selectedSequence))
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 6

            TextField {
                id: filterText
                objectName: "filterText"
                Layout.fillWidth: true
                placeholderText: qsTr("Filter by hash, domain, URL, IP, client, status or error code")
                text: page.requests.text
                onTextChanged: page.requests.text = text
                KeyNavigation.tab: statusFilter
            }
            ComboBox {
                id: statusFilter
                objectName: "statusFilter"
                Layout.minimumWidth: implicitWidth
                model: [qsTr("All statuses"), "2xx", "3xx", "4xx", "5xx"]
                implicitContentWidthPolicy: ComboBox.WidestText
                onActivated: page.requests.statusClass = currentIndex === 0 ? "" : currentText
                KeyNavigation.tab: outcomeFilter
            }
            ComboBox {
                id: outcomeFilter
                objectName: "outcomeFilter"
                Layout.minimumWidth: implicitWidth
                model: [qsTr("All cache outcomes"), "HIT", "MISS", "STALE", "BYPASS", "COALESCED"]
                implicitContentWidthPolicy: ComboBox.WidestText
                onActivated: page.requests.cacheOutcome = currentIndex === 0 ? "" : currentText
                KeyNavigation.tab: list
            }
            Button {
                objectName: "resetFilters"
                text: page.width < 760 ? qsTr("Reset") : qsTr("Reset filters")
                enabled: page.requests.text !== "" || page.requests.statusClass !== "" || page.requests.cacheOutcome !== ""
                onClicked: {
                    page.requests.resetFilters()
                    statusFilter.currentIndex = 0
                    outcomeFilter.currentIndex = 0
                }
            }
            Button {
                objectName: "clearLog"
                text: page.width < 760 ? qsTr("Clear") : qsTr("Clear view")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Empty this list; the history on disk is kept")
                onClicked: {
                    AppState.requestLog.clear()
                    page.showDetails(-1)
                }
            }
        }

        PlainLabel {
            objectName: "rowCount"
            text: page.requests.count === AppState.requestLog.count
                  ? qsTr("%1 requests (newest %2 kept in view)").arg(page.requests.count).arg(AppState.requestLog.maximumRows)
                  : qsTr("%1 of %2 requests match").arg(page.requests.count).arg(AppState.requestLog.count)
            opacity: 0.8
        }

        // Side by side on a wide window, one above the other on a narrow one. Plain bindings
        // rather than a layout, so switching between the two never leaves a stale arrangement.
        Item {
            id: split
            Layout.fillWidth: true
            Layout.fillHeight: true

            RequestList {
                id: list
                objectName: "requestList"
                x: 0
                y: 0
                width: page.wide ? split.width - detailsPane.width - 6 : split.width
                height: page.wide ? split.height : split.height - detailsPane.height - 6
                model: page.requests
                onSelected: sequence => page.showDetails(sequence)
            }

            RequestDetails {
                id: detailsPane
                x: page.wide ? split.width - width : 0
                y: page.wide ? 0 : split.height - height
                width: page.wide ? Math.min(460, split.width * 0.36) : split.width
                height: page.wide ? split.height : Math.round(split.height * 0.45)
                details: page.details
            }
        }
    }
}
