// SPDX-License-Identifier: MIT
// The cache: statistics, search, entries, and the actions on one entry or all of them.
import QtQml
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

Item {
    id: page
    objectName: "cachePage"

    property var cache: AppState.cache
    property string selectedKey: ""
    property string jsonText: ""
    readonly property bool wide: width >= 900

    Connections {
        target: page.cache
        function onJsonLoaded(key, json) {
            if (key === page.selectedKey)
                page.jsonText = json
        }
    }

    function select(key) {
        selectedKey = key
        jsonText = ""
        if (key !== "")
            cache.loadJson(key)
    }

    Shortcut {
        sequences: [StandardKey.Find]
        enabled: page.visible
        onActivated: searchField.forceActiveFocus()
    }
    Shortcut {
        sequences: [StandardKey.Delete]
        enabled: page.visible && list.activeFocus && page.selectedKey !== ""
        onActivated: {
            page.cache.removeEntry(page.selectedKey)
            page.select("")
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 6

        GridLayout {
            Layout.fillWidth: true
            columns: page.wide ? 8 : 4
            columnSpacing: 12
            PlainLabel { text: qsTr("Entries:"); opacity: 0.8 }
            PlainLabel { objectName: "entryCount"; text: page.cache.entryCount; font.bold: true }
            PlainLabel { text: qsTr("Size on disk:"); opacity: 0.8 }
            PlainLabel { text: page.cache.sizeText; font.bold: true }
            PlainLabel { text: qsTr("Hit ratio today:"); opacity: 0.8 }
            PlainLabel { text: page.cache.hitRatioText; font.bold: true }
            PlainLabel { text: qsTr("Upstream calls saved today:"); opacity: 0.8 }
            PlainLabel { text: page.cache.savedToday; font.bold: true }
        }

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: searchField
                objectName: "cacheSearch"
                Layout.fillWidth: true
                placeholderText: qsTr("Search by hash, domain, URL or IP address")
                text: page.cache.searchText
                onTextChanged: page.cache.searchText = text
                onAccepted: page.cache.search()
            }
            BusyIndicator {
                running: page.cache.busy
                implicitWidth: 28
                implicitHeight: 28
            }
            Button {
                objectName: "clearCache"
                text: qsTr("Clear all…")
                enabled: page.cache.entryCount > 0
                onClicked: confirmClear.open()
            }
        }

        PlainLabel {
            objectName: "cacheMessage"
            Layout.fillWidth: true
            visible: text !== ""
            text: page.cache.message
            wrapMode: Text.Wrap
        }

        // Side by side on a wide window, one above the other on a narrow one (plain bindings,
        // as on the Activity page).
        Item {
            id: split
            Layout.fillWidth: true
            Layout.fillHeight: true

            CacheList {
                id: list
                x: 0
                y: 0
                width: page.wide ? split.width - jsonPane.width - 6 : split.width
                height: page.wide ? split.height : split.height - jsonPane.height - 6
                model: page.cache.entries
                selectedKey: page.selectedKey
                onSelected: key => page.select(key)
            }

            Pane {
                id: jsonPane
                x: page.wide ? split.width - width : 0
                y: page.wide ? 0 : split.height - height
                width: page.wide ? Math.min(460, split.width * 0.36) : split.width
                height: page.wide ? split.height : Math.round(split.height * 0.45)
                padding: 8

                PlainLabel {
                    anchors.centerIn: parent
                    visible: page.selectedKey === ""
                    text: qsTr("Select an entry to see its cached JSON.")
                    opacity: 0.7
                }
                ColumnLayout {
                    anchors.fill: parent
                    visible: page.selectedKey !== ""
                    PlainLabel {
                        Layout.fillWidth: true
                        text: page.selectedKey
                        font.family: "monospace"
                        font.bold: true
                    }
                    RowLayout {
                        Button {
                            objectName: "refreshEntry"
                            text: qsTr("Refresh from VirusTotal")
                            onClicked: page.cache.refreshEntry(page.selectedKey)
                        }
                        Button {
                            objectName: "deleteEntry"
                            text: qsTr("Delete")
                            onClicked: {
                                page.cache.removeEntry(page.selectedKey)
                                page.select("")
                            }
                        }
                    }
                    ScrollView {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        TextArea {
                            readOnly: true
                            selectByMouse: true
                            textFormat: TextEdit.PlainText
                            font.family: "monospace"
                            text: page.jsonText
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: confirmClear
        objectName: "confirmClear"
        anchors.centerIn: parent
        modal: true
        title: qsTr("Clear the cache?")
        standardButtons: Dialog.Yes | Dialog.Cancel
        PlainLabel {
            text: qsTr("All %1 cached answers are deleted. The next lookup of each object spends VirusTotal quota again.")
                .arg(page.cache.entryCount)
            wrapMode: Text.Wrap
            width: Math.min(420, page.width - 80)
        }
        onAccepted: {
            page.cache.clearAll()
            page.select("")
        }
    }
}
