// SPDX-License-Identifier: MIT
// Cache entries with a column header; Up and Down move the selection.
import QtQml
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

FocusScope {
    id: root

    property alias model: view.model
    // The key of the selected entry; the selection follows it when the list is reloaded.
    property string selectedKey: ""
    // A narrow list drops the stored-at column; the object column takes the rest.
    readonly property bool compact: width < 700
    readonly property var titles: [qsTr("Kind"), qsTr("Object"), qsTr("Status"), qsTr("Stored"), qsTr("Expires"),
                                   qsTr("Hits"), qsTr("Size")]
    readonly property var baseWidths: [110, -1, 56, compact ? 0 : 128, 128, 48, 76]
    readonly property var widths: {
        let fixed = 0
        for (const w of baseWidths)
            fixed += Math.max(0, w)
        const rest = Math.max(120, width - 2 - fixed)
        return baseWidths.map(w => w < 0 ? rest : w)
    }
    signal selected(string key)

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
            objectName: "cacheView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            focus: true
            activeFocusOnTab: true
            keyNavigationEnabled: true
            boundsBehavior: Flickable.StopAtBounds
            currentIndex: -1
            ScrollBar.vertical: ScrollBar {}
            onCurrentIndexChanged: {
                if (!reselecting)
                    root.selected(currentItem ? currentItem.key : "")
            }
            property bool reselecting: false

            Connections {
                target: root.model
                function onModelReset() {
                    view.reselecting = true
                    view.currentIndex = root.model.rowOfKey(root.selectedKey)
                    view.reselecting = false
                    if (view.currentIndex < 0 && root.selectedKey !== "")
                        root.selected("")
                }
            }

            delegate: Rectangle {
                id: row
                required property int index
                required property string key
                required property string kind
                required property string api
                required property string shortId
                required property int status
                required property string storedAtText
                required property string expiresText
                required property bool expired
                required property var hits
                required property string sizeText

                width: ListView.view.width
                height: 24
                color: ListView.isCurrentItem ? palette.highlight
                     : (index % 2 ? palette.alternateBase : palette.base)
                readonly property color textColor: ListView.isCurrentItem ? palette.highlightedText : palette.text

                Row {
                    anchors.fill: parent
                    PlainLabel { width: root.widths[0]; visible: root.widths[0] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.api === "v2" ? row.kind + " (v2)" : row.kind }
                    PlainLabel { width: root.widths[1]; visible: root.widths[1] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.shortId; font.family: "monospace" }
                    PlainLabel { width: root.widths[2]; visible: root.widths[2] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.status }
                    PlainLabel { width: root.widths[3]; visible: root.widths[3] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.storedAtText }
                    PlainLabel { width: root.widths[4]; visible: root.widths[4] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.expiresText + (row.expired ? qsTr(" (expired)") : ""); opacity: row.expired ? 0.6 : 1 }
                    PlainLabel { width: root.widths[5]; visible: root.widths[5] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.hits }
                    PlainLabel { width: root.widths[6]; visible: root.widths[6] > 0; height: row.height; leftPadding: 6; verticalAlignment: Text.AlignVCenter; color: row.textColor; text: row.sizeText }
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
                text: qsTr("No cached answers match.")
                opacity: 0.7
            }
        }
    }
}
