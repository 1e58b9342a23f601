// SPDX-License-Identifier: MIT
// The relay address with a copy button, the relay and key status, and today's upstream calls.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

ToolBar {
    id: bar

    // A narrow window drops the status sentence (the dot and the tray say it) and shortens
    // the counters.
    readonly property bool compact: width < 980

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        spacing: 10

        Rectangle {
            objectName: "statusDot"
            width: 12
            height: 12
            radius: 6
            color: AppState.status === AppState.Serving ? "#1a7f37"
                 : AppState.status === AppState.Paused ? "#9a6700" : "#cf222e"
            ToolTip.visible: dotArea.containsMouse
            ToolTip.text: AppState.statusText
            MouseArea {
                id: dotArea
                anchors.fill: parent
                hoverEnabled: true
            }
        }
        PlainLabel {
            text: AppState.relayUrl
            font.bold: true
            font.family: "monospace"
        }
        ToolButton {
            text: qsTr("Copy")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Copy the relay address; point your tools at it instead of virustotal.com")
            onClicked: AppState.copyAddress()
        }
        PlainLabel {
            objectName: "statusText"
            Layout.fillWidth: true
            Layout.minimumWidth: 0
            visible: !bar.compact
            text: AppState.statusText
        }
        Item {
            Layout.fillWidth: true
            visible: bar.compact
        }
        PlainLabel {
            objectName: "keyStatus"
            Layout.maximumWidth: 220
            visible: bar.width >= 720 || AppState.keyProblem
            text: AppState.keyStatusText
            color: AppState.keyProblem ? "#cf222e" : palette.buttonText
        }
        ToolSeparator {
            visible: !bar.compact
        }
        PlainLabel {
            objectName: "upstreamToday"
            text: bar.compact ? qsTr("%1 up · %2 cached today").arg(AppState.upstreamToday).arg(AppState.savedToday)
                              : qsTr("%1 upstream calls today · %2 answered from cache")
                                    .arg(AppState.upstreamToday).arg(AppState.savedToday)
            ToolTip.visible: countersArea.containsMouse
            ToolTip.text: AppState.quotaText
            MouseArea {
                id: countersArea
                anchors.fill: parent
                hoverEnabled: true
            }
        }
        PlainLabel {
            objectName: "quota"
            visible: !bar.compact && AppState.quotaText !== ""
            text: AppState.quotaText
            opacity: 0.8
        }
        Button {
            objectName: "pauseButton"
            text: AppState.paused ? qsTr("Resume") : qsTr("Pause")
            enabled: AppState.running
            onClicked: AppState.togglePaused()
        }
    }
}
