// SPDX-License-Identifier: MIT
// Details of one request: summary, headers (the key redacted), the body as formatted JSON, and
// a curl command that repeats the request through the relay without the key.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

Pane {
    id: pane
    objectName: "requestDetails"

    property var details: ({})
    readonly property bool hasDetails: details.sequence !== undefined

    padding: 8

    PlainLabel {
        anchors.centerIn: parent
        visible: !pane.hasDetails
        text: qsTr("Select a request to see its headers and body.")
        opacity: 0.7
    }

    ColumnLayout {
        anchors.fill: parent
        visible: pane.hasDetails
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            PlainLabel {
                Layout.fillWidth: true
                text: (pane.details.method || "") + " " + (pane.details.target || "")
                font.bold: true
                font.family: "monospace"
            }
            Button {
                objectName: "copyCurl"
                text: qsTr("Copy as curl")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Repeats the request through the relay; the command holds no API key")
                onClicked: AppState.copyText(pane.details.curl)
            }
        }
        PlainLabel {
            Layout.fillWidth: true
            text: qsTr("%1 · %2 · %3 · %4 ms · %5%6")
                .arg(pane.details.time || "").arg(pane.details.status || "").arg(pane.details.cacheOutcome || "")
                .arg(pane.details.latencyMs || 0).arg(pane.details.sizeText || "")
                .arg(pane.details.errorCode ? " · " + pane.details.errorCode : "")
        }
        PlainLabel {
            Layout.fillWidth: true
            text: qsTr("Client: %1").arg(pane.details.client || "")
        }

        TabBar {
            id: tabs
            Layout.fillWidth: true
            TabButton { text: qsTr("Body"); width: implicitWidth }
            TabButton { text: qsTr("Response headers"); width: implicitWidth }
            TabButton { text: qsTr("Request headers"); width: implicitWidth }
            TabButton { text: qsTr("curl"); width: implicitWidth }
        }

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                objectName: "detailsText"
                readOnly: true
                selectByMouse: true
                textFormat: TextEdit.PlainText
                wrapMode: tabs.currentIndex === 3 ? TextEdit.WrapAnywhere : TextEdit.NoWrap
                font.family: "monospace"
                text: {
                    switch (tabs.currentIndex) {
                    case 0: return pane.details.body ? pane.details.body : qsTr("(no body recorded)")
                    case 1: return pane.details.responseHeaders || ""
                    case 2: return pane.details.requestHeaders || ""
                    default: return pane.details.curl || ""
                    }
                }
            }
        }
    }
}
