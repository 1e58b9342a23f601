// SPDX-License-Identifier: MIT
// The window's one place for problems: what happened and what to do, with an optional action.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

Rectangle {
    id: banner
    objectName: "banner"

    visible: AppState.bannerVisible
    implicitHeight: visible ? content.implicitHeight + 16 : 0
    color: "#cf222e"

    RowLayout {
        id: content
        anchors.fill: parent
        anchors.margins: 8
        spacing: 12

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            PlainLabel {
                Layout.fillWidth: true
                text: AppState.bannerTitle
                color: "white"
                font.bold: true
            }
            PlainLabel {
                objectName: "bannerText"
                Layout.fillWidth: true
                text: AppState.bannerText
                color: "white"
                wrapMode: Text.Wrap
                elide: Text.ElideNone
            }
        }
        Button {
            visible: AppState.bannerAction !== ""
            text: AppState.bannerActionText
            onClicked: AppState.triggerBannerAction()
        }
        Button {
            text: qsTr("Dismiss")
            onClicked: AppState.dismissBanner()
        }
    }
}
