// SPDX-License-Identifier: MIT
// The one label for text that may have come from the network: never rich text, never links.
import QtQuick
import QtQuick.Controls

Label {
    textFormat: Text.PlainText
    elide: Text.ElideRight
}
