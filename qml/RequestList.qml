// SPDX-License-Identifier: MIT
// The request rows with a column header. Up and Down move the selection; the selection shows
// its details.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

FocusScope {
    id: root

    property alias model: view.model
    property alias currentIndex: view.currentIndex
    // A narrow list drops the client and latency columns; the object column takes the rest.
    readonly property bool compact: width < 800
    readonly property var titles: [qsTr("Time"), qsTr("Client"), qsTr("Method"), qsTr("Kind"), qsTr("Object"),
                                   qsTr("Status"), qsTr("Cache"), qsTr("Latency"), qsTr("Size")]
    readonly property var baseWidths: [106, compact ? 0 : 130, 64, 80, -1, 56, 92, compact ? 0 : 68, 72]
    readonly property var widths: {
        let fixed = 0
        for (const w of baseWidths)
            fixed += Math.max(0, w)
        const rest = Math.max(110, width - 2 - fixed)
        return baseWidths.map(w => w < 0 ? rest : w)
    }
    signal selected(int sequence)

    Rectangle {
        anchors.fill: parent
        color: palette.base
        border.color: root.activeFocus ? palette.highlight : palette.mid
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 1
        spacing: 0

        Row {
            Layout.fillWidth: true
            height: 26
            clip: true
            Repeater {
                model: root.titles
                PlainLabel {
                    id: columnTitle
                    required property int index
                    required property string modelData
                    width: root.widths[columnTitle.index]
                    visible: columnTitle.width > 0
                    height: 26
                    leftPadding: 6
                    verticalAlignment: Text.AlignVCenter
                    text: columnTitle.modelData
                    font.bold: true
                }
            }
        }

        ListView {
            id: view
            objectName: "requestView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            currentIndex: -1
            reuseItems: true
            ScrollBar.vertical: ScrollBar {}
            onCurrentIndexChanged: {
                if (currentItem)
                    root.selected(currentItem.sequence)
            }

            delegate: Rectangle {
                id: row
                required property int index
                required property var sequence
                required property string timeText
                required property string client
                required property string method
                required property string kind
                required property string shortId
                required property string objectId
                required property int status
                required property string cacheOutcome
                required property var latencyMs
                required property string sizeText

                width: ListView.view.width
                height: 24
                color: ListView.isCurrentItem ? palette.highlight
                     : (index % 2 ? palette.alternateBase : palette.base)
                readonly property color textColor: ListView.isCurrentItem ? palette.highlightedText : palette.text

                Row {
                    anchors.fill: parent
                    PlainLabel { width: root.widths[0]; visible: root.widths[0] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.timeText; font.family: "monospace" }
                    PlainLabel { width: root.widths[1]; visible: root.widths[1] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.client }
                    PlainLabel { width: root.widths[2]; visible: root.widths[2] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.method }
                    PlainLabel { width: root.widths[3]; visible: root.widths[3] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.kind }
                    PlainLabel { width: root.widths[4]; visible: root.widths[4] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.shortId; font.family: "monospace" }
                    Item {
                        width: root.widths[5]; height: row.height
                        StatusBadge { id: statusBadge; x: 6; anchors.verticalCenter: parent.verticalCenter; text: row.status; tone: statusBadge.toneForStatus(row.status) }
                    }
                    Item {
                        width: root.widths[6]; height: row.height
                        StatusBadge { id: outcomeBadge; x: 6; anchors.verticalCenter: parent.verticalCenter; visible: row.cacheOutcome !== ""; text: row.cacheOutcome; tone: outcomeBadge.toneForOutcome(row.cacheOutcome) }
                    }
                    PlainLabel { width: root.widths[7]; visible: root.widths[7] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: qsTr("%1 ms").arg(row.latencyMs) }
                    PlainLabel { width: root.widths[8]; visible: root.widths[8] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.sizeText }
                }

                MouseArea {
                    anchors.fill: parent
                    onClicked: {
                        view.currentIndex = row.index
                        view.forceActiveFocus()
                    }
                }
            }

            PlainLabel {
                anchors.centerIn: parent
                visible: view.count === 0
                text: qsTr("No requests yet. Point your tools at %1").arg(AppState.relayUrl)
                opacity: 0.7
            }
        }
    }
}
