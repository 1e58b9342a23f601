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
    property var team: AppState.teamConfig
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
            title: qsTr("Browser tools: allowed origins")

            ColumnLayout {
                anchors.fill: parent
                spacing: 8

                PlainLabel {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Web pages and extensions may call the relay only from these origins.")
                    opacity: 0.8
                }
                RowLayout {
                    objectName: "rejectedOriginRow"
                    Layout.fillWidth: true
                    visible: page.settings.rejectedOrigin !== ""
                    spacing: 8
                    PlainLabel {
                        objectName: "rejectedOriginText"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: qsTr("A web page from %1 was refused.").arg(page.settings.rejectedOrigin)
                        color: "#cf222e"
                    }
                    Button {
                        objectName: "allowRejectedOrigin"
                        text: qsTr("Allow %1").arg(page.settings.rejectedOrigin)
                        onClicked: page.settings.allowRejectedOrigin()
                    }
                }
                Repeater {
                    objectName: "allowedOriginList"
                    model: page.settings.allowedOrigins
                    delegate: RowLayout {
                        required property string modelData
                        Layout.fillWidth: true
                        spacing: 8
                        PlainLabel {
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            text: modelData
                        }
                        Button {
                            objectName: "removeOrigin"
                            text: qsTr("Remove")
                            onClicked: page.settings.removeOrigin(modelData)
                        }
                    }
                }
                PlainLabel {
                    visible: page.settings.allowedOrigins.length === 0
                    text: qsTr("No origin is allowed.")
                    opacity: 0.8
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8
                    TextField {
                        id: originField
                        objectName: "originField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("https://tool.example or chrome-extension://<id>")
                        onAccepted: if (page.settings.allowOrigin(text)) clear()
                    }
                    Button {
                        objectName: "allowOrigin"
                        text: qsTr("Allow")
                        enabled: originField.text.trim() !== ""
                        onClicked: if (page.settings.allowOrigin(originField.text)) originField.clear()
                    }
                }
                PlainLabel {
                    objectName: "originMessage"
                    Layout.fillWidth: true
                    visible: text !== ""
                    wrapMode: Text.Wrap
                    text: page.settings.originMessage
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

        GroupBox {
            Layout.fillWidth: true
            Layout.margins: 8
            title: qsTr("Team configuration")

            ColumnLayout {
                anchors.fill: parent
                spacing: 8

                PlainLabel {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Share the quota limits, cache lifetimes, allowed origins and listen port with "
                               + "colleagues as a file.")
                }
                PlainLabel {
                    objectName: "termsNotice"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    opacity: 0.8
                    text: qsTr("VirusTotal's terms of service apply to sharing an API key. For teams, "
                               + "VirusTotal offers group API keys.")
                }
                // A plain path field: QtQuick.Dialogs' FileDialog has no implementation that loads
                // on the offscreen platform the window's tests use.
                TextField {
                    id: teamPath
                    objectName: "teamPath"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Path of the team file, for example /home/me/team.json")
                }
                CheckBox {
                    id: includeKey
                    objectName: "includeKey"
                    text: qsTr("Include the API key (encrypted)")
                }
                GridLayout {
                    columns: 2
                    columnSpacing: 12
                    Layout.fillWidth: true
                    PlainLabel { text: qsTr("Passphrase") }
                    TextField {
                        id: passphrase
                        objectName: "teamPassphrase"
                        Layout.fillWidth: true
                        echoMode: TextInput.Password
                        placeholderText: qsTr("at least %1 characters; needed for a file with a key")
                                             .arg(page.team.minPassphraseLength)
                    }
                    PlainLabel {
                        text: qsTr("Repeat (export)")
                        visible: includeKey.checked
                    }
                    TextField {
                        id: passphraseRepeat
                        objectName: "teamPassphraseRepeat"
                        Layout.fillWidth: true
                        visible: includeKey.checked
                        echoMode: TextInput.Password
                    }
                }
                RowLayout {
                    spacing: 8
                    Button {
                        objectName: "exportTeam"
                        text: qsTr("Export team file…")
                        enabled: !page.team.busy && teamPath.text.trim() !== ""
                        onClicked: page.team.exportTo(teamPath.text, includeKey.checked, passphrase.text,
                                                      passphraseRepeat.text)
                    }
                    Button {
                        objectName: "importTeam"
                        text: qsTr("Import team file…")
                        enabled: !page.team.busy && teamPath.text.trim() !== ""
                        onClicked: page.team.prepareImport(teamPath.text, passphrase.text)
                    }
                    BusyIndicator {
                        running: page.team.busy
                        implicitWidth: 28
                        implicitHeight: 28
                    }
                }
                PlainLabel {
                    objectName: "teamMessage"
                    Layout.fillWidth: true
                    visible: text !== ""
                    wrapMode: Text.Wrap
                    text: page.team.message
                    color: page.team.messageIsError ? "#cf222e" : palette.text
                }
                ColumnLayout {
                    objectName: "teamChanges"
                    Layout.fillWidth: true
                    visible: page.team.importPending
                    Repeater {
                        model: page.team.pendingChanges
                        delegate: PlainLabel {
                            required property string modelData
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            text: "• " + modelData
                        }
                    }
                    RowLayout {
                        spacing: 8
                        Button {
                            objectName: "confirmImport"
                            text: qsTr("Import these changes")
                            enabled: !page.team.busy
                            onClicked: page.team.confirmImport()
                        }
                        Button {
                            text: qsTr("Cancel")
                            enabled: !page.team.busy
                            onClicked: page.team.cancelImport()
                        }
                    }
                }
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

    Connections {
        target: page.team
        function onExportFinished(ok) {
            if (ok) {
                passphrase.clear()
                passphraseRepeat.clear()
            }
        }
        function onImportFinished(ok) {
            passphrase.clear()
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
