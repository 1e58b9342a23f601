// SPDX-License-Identifier: MIT
// A small coloured pill, for an HTTP status or a cache outcome.
import QtQuick
import QtQuick.Controls

Rectangle {
    id: badge

    property string text
    property color tone: "#6e7781"

    implicitWidth: label.implicitWidth + 12
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: tone

    PlainLabel {
        id: label
        anchors.centerIn: parent
        text: badge.text
        color: "white"
        font.bold: true
        font.pixelSize: 11
    }

    function toneForStatus(status) {
        if (status >= 500) return "#cf222e"
        if (status >= 400) return "#bc4c00"
        if (status >= 300) return "#8250df"
        if (status >= 200) return "#1a7f37"
        return "#6e7781"
    }

    function toneForOutcome(outcome) {
        switch (outcome) {
        case "HIT": return "#1a7f37"
        case "COALESCED": return "#2f81a8"
        case "STALE": return "#9a6700"
        case "MISS": return "#0969da"
        default: return "#6e7781"
        }
    }
}
