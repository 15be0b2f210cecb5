// The one file that calls Pango: a paragraph shaped (any script, right to left included) and shown through cairo.
import CPango

/// One paragraph laid out by Pango for a cairo context, in points.
///
/// Not `Sendable`: it belongs to the canvas (and thread) it was made for.
final class TextLayout {
    private let layout: OpaquePointer
    private let context: OpaquePointer

    /// - Parameter context: the canvas's `cairo_t *`.
    init(context: OpaquePointer) {
        self.context = context
        self.layout = pango_cairo_create_layout(context)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(layout))
    }

    /// Sets the text, font and paragraph width; `wrapsInsideWords` lets a word longer than the width break.
    func set(_ text: String, style: TextStyle, size: Double, width: Double, wrapsInsideWords: Bool) {
        let font = pango_font_description_new()
        defer { pango_font_description_free(font) }
        pango_font_description_set_family(font, style.font.families)
        pango_font_description_set_weight(font, style.font.isBold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_absolute_size(font, size * Double(PANGO_SCALE))
        pango_layout_set_font_description(layout, font)
        pango_layout_set_auto_dir(layout, 1)
        pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded(.down)))
        pango_layout_set_wrap(layout, wrapsInsideWords ? PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD)
        pango_layout_set_height(layout, -1)
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE)
        switch style.alignment {
        case .start: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .end: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, text, -1)
    }

    /// Shows only the lines that fit in `height` points, with an ellipsis where text was left out.
    func limit(height: Double) {
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
        pango_layout_set_height(layout, Int32((height * Double(PANGO_SCALE)).rounded(.down)))
    }

    /// The logical extents: how far the ink may reach, the line spacing included.
    var extents: (x: Double, width: Double, height: Double) {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(PANGO_SCALE)
        return (Double(logical.x) / scale, Double(logical.width) / scale, Double(logical.height) / scale)
    }

    var lineCount: Int { Int(pango_layout_get_line_count(layout)) }

    /// Shows the paragraph with its top left at the cairo context's current point (set by the canvas).
    func show() {
        pango_cairo_update_layout(context, layout)
        pango_cairo_show_layout(context, layout)
    }
}
