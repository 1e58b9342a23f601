// SPDX-License-Identifier: MIT
// Asks for the VirusTotal key with masked input. The field is emptied as soon as the key is
// handed to the view-model, so the key is never shown again.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import VtRelay

Dialog {
    id: dialog
    objectName: "keyDialog"

    property var keyModel: AppState.key
    readonly property bool acceptable: keyModel.isPlausibleKey(keyField.text)

    title: qsTr("Set the VirusTotal API key")
    modal: true
    focus: true
    standardButtons: Dialog.Save | Dialog.Cancel

    onAboutToShow: {
        keyField.text = ""
        keyField.forceActiveFocus()
    }
    onOpened: keyField.forceActiveFocus()
    onAccepted: {
        keyModel.save(keyField.text)
        keyField.text = ""
    }
    onRejected: keyField.text = ""
    Component.onCompleted: standardButton(Dialog.Save).enabled = Qt.binding(() => dialog.acceptable)

    ColumnLayout {
        spacing: 8
        width: Math.min(460, dialog.parent ? dialog.parent.width - 80 : 460)

        PlainLabel {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Paste the key from your VirusTotal profile (API key). It is stored in %1 and never shown again.")
                .arg(dialog.keyModel.backendName)
        }
        TextField {
            id: keyField
            objectName: "keyField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
            placeholderText: qsTr("64 hexadecimal characters")
            onAccepted: if (dialog.acceptable) dialog.accept()
        }
        PlainLabel {
            objectName: "keyHint"
            Layout.fillWidth: true
            visible: keyField.text !== "" && !dialog.acceptable
            text: qsTr("A key has no spaces or special characters.")
            color: "#cf222e"
        }
    }
}
