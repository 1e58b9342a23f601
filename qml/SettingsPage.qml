// SPDX-License-Identifier: MIT
// The VirusTotal key (set, test, remove) and the relay settings.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

ScrollView {
    id: page
    objectName: "settingsPage"

    property var keyModel: AppState.key
    property var settings: AppState.settings
    contentWidth: availableWidth

    ColumnLayout {
        width: page.availableWidth
        spacing: 12

        GroupBox {
            Layout.fillWidth: true
            Layout.margins: 8
            title: qsTr("VirusTotal API key")

            ColumnLayout {
                anchors.fill: parent
                spacing: 8

                PlainLabel {
                    objectName: "keyStatusText"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.keyModel.statusText
                    font.bold: true
                }
                PlainLabel {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.keyModel.keychainAvailable
                          ? qsTr("Keychain: %1").arg(page.keyModel.backendName)
                          : qsTr("No keychain is available: %1").arg(page.keyModel.keychainMessage)
                    color: page.keyModel.keychainAvailable ? palette.text : "#cf222e"
                }
                RowLayout {
                    spacing: 8
                    Button {
                        objectName: "setKey"
                        text: page.keyModel.hasKey ? qsTr("Replace key…") : qsTr("Set key…")
                        enabled: !page.keyModel.busy
                        onClicked: keyDialog.open()
                    }
                    Button {
                        objectName: "testKey"
                        text: qsTr("Test key")
                        enabled: page.keyModel.hasKey && !page.keyModel.busy && AppState.running
                        onClicked: page.keyModel.test()
                    }
                    Button {
                        objectName: "removeKey"
                        text: qsTr("Remove key…")
                        enabled: page.keyModel.hasKey && !page.keyModel.fromEnvironment && !page.keyModel.busy
                        onClicked: confirmRemove.open()
                    }
                    BusyIndicator {
                        running: page.keyModel.busy
                        implicitWidth: 28
                        implicitHeight: 28
                    }
                }
                PlainLabel {
                    objectName: "keyResult"
                    Layout.fillWidth: true
                    visible: text !== ""
                    wrapMode: Text.Wrap
                    text: page.keyModel.resultText
                    color: page.keyModel.resultOk ? palette.text : "#cf222e"
                }
            }
        }

        GroupBox {
            Layout.fillWidth: true
            Layout.margins: 8
            title: qsTr("Relay")

            GridLayout {
                columns: 2
                columnSpacing: 12

                PlainLabel { text: qsTr("Listen port") }
                RowLayout {
                    SpinBox {
                        objectName: "listenPort"
                        from: 1024
                        to: 65535
                        editable: true
                        value: page.settings.listenPort
                        textFromValue: (value, locale) => value.toString()
                        valueFromText: (text, locale) => parseInt(text)
                        onValueModified: page.settings.listenPort = value
                    }
                    PlainLabel {
                        visible: page.settings.listenPortPending
                        text: qsTr("applies at the next start")
                        opacity: 0.8
                    }
                }
                PlainLabel { text: qsTr("Start at login") }
                CheckBox {
                    objectName: "startAtLogin"
                    enabled: page.settings.startAtLoginSupported
                    checked: page.settings.startAtLogin
                    onToggled: page.settings.startAtLogin = checked
                }
                PlainLabel { text: qsTr("Keep request history (days)") }
                SpinBox {
                    from: 1
                    to: 365
                    editable: true
                    value: page.settings.historyDays
                    onValueModified: page.settings.historyDays = value
                }
                PlainLabel { text: qsTr("Cache size limit (MB)") }
                SpinBox {
                    from: 1
                    to: 1048576
                    stepSize: 64
                    editable: true
                    textFromValue: (value, locale) => value.toString()
                    valueFromText: (text, locale) => parseInt(text)
                    value: page.settings.cacheSizeLimitMb
                    onValueModified: page.settings.cacheSizeLimitMb = value
                }
            }
        }

        GroupBox {
            Layout.fillWidth: true
            Layout.margins: 8
            title: qsTr("How long answers stay in the cache (hours; 0 = not cached)")

            GridLayout {
                columns: 2
                columnSpacing: 12

                PlainLabel { text: qsTr("File, URL, domain and IP reports") }
                SpinBox { from: 0; to: 8760; editable: true; value: page.settings.objectTtlHours; onValueModified: page.settings.objectTtlHours = value }
                PlainLabel { text: qsTr("Relationships and searches") }
                SpinBox { from: 0; to: 8760; editable: true; value: page.settings.collectionTtlHours; onValueModified: page.settings.collectionTtlHours = value }
                PlainLabel { text: qsTr("Comments and votes") }
                SpinBox { from: 0; to: 8760; editable: true; value: page.settings.commentTtlHours; onValueModified: page.settings.commentTtlHours = value }
                PlainLabel { text: qsTr("Not found answers") }
                SpinBox { from: 0; to: 8760; editable: true; value: page.settings.notFoundTtlHours; onValueModified: page.settings.notFoundTtlHours = value }
                PlainLabel { text: qsTr("Completed analyses") }
                SpinBox { from: 0; to: 8760; editable: true; value: page.settings.analysisTtlHours; onValueModified: page.settings.analysisTtlHours = value }
            }
        }

        PlainLabel {
            objectName: "settingsMessage"
            Layout.fillWidth: true
            Layout.margins: 8
            visible: text !== ""
            wrapMode: Text.Wrap
            text: page.settings.message
        }
    }

    KeyDialog {
        id: keyDialog
        parent: Overlay.overlay
        anchors.centerIn: parent
    }

    Dialog {
        id: confirmRemove
        objectName: "confirmRemoveKey"
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        title: qsTr("Remove the API key?")
        standardButtons: Dialog.Yes | Dialog.Cancel
        PlainLabel {
            text: qsTr("The relay answers RelayNoApiKey until you set a key again.")
            wrapMode: Text.Wrap
        }
        onAccepted: page.keyModel.remove()
    }
}
