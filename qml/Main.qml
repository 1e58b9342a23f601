// SPDX-License-Identifier: MIT
// The VT Relay window: header, problem banner and three pages.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

ApplicationWindow {
    id: window
    objectName: "mainWindow"

    width: 1280
    height: 800
    minimumWidth: 640
    minimumHeight: 420
    title: qsTr("VT Relay")

    header: ColumnLayout {
        spacing: 0
        HeaderBar {
            Layout.fillWidth: true
        }
        Banner {
            Layout.fillWidth: true
        }
        TabBar {
            id: tabs
            objectName: "tabs"
            Layout.fillWidth: true
            currentIndex: AppState.currentPage
            onCurrentIndexChanged: AppState.currentPage = currentIndex
            TabButton { text: qsTr("Activity") }
            TabButton { text: qsTr("Cache") }
            TabButton { text: qsTr("Key and settings") }
        }
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: AppState.currentPage

        ActivityPage {}
        CachePage {}
        SettingsPage {}
    }

    Shortcut {
        sequences: ["Ctrl+1"]
        onActivated: AppState.currentPage = 0
    }
    Shortcut {
        sequences: ["Ctrl+2"]
        onActivated: AppState.currentPage = 1
    }
    Shortcut {
        sequences: ["Ctrl+3"]
        onActivated: AppState.currentPage = 2
    }
    Shortcut {
        sequences: [StandardKey.Close]
        onActivated: window.close()
    }
}
