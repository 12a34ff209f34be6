#!/usr/bin/python3
"""A tiny X client that lets a file be dragged out of it, as a file manager does.

Usage: drag-source.py FILE [X Y]

Shows a small window titled "comptoir-drag-source" at X,Y (default 1000,640)
whose whole area is a GTK drag source offering FILE as `text/uri-list`. The
end-to-end test presses the mouse on it and moves the pointer with xdotool, so
the drop that reaches the app is a real XDND drop from another X client.
Prints "ready" once the window is shown, then "drag-end" and exits when a
drag ends; gives up after 120 s. Needs python3-gi and gir1.2-gtk-3.0.
"""
import pathlib
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

TITLE = "comptoir-drag-source"


def main() -> int:
    if len(sys.argv) not in (2, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = pathlib.Path(sys.argv[1]).resolve()
    if not path.is_file():
        print(f"{path} is not a file", file=sys.stderr)
        return 2
    x, y = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) == 4 else (1000, 640)
    uri = path.as_uri()

    window = Gtk.Window(title=TITLE)
    window.set_default_size(160, 100)
    window.move(x, y)
    window.connect("destroy", Gtk.main_quit)

    # An EventBox receives the button press that starts the drag.
    box = Gtk.EventBox()
    box.add(Gtk.Label(label=path.name))
    box.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, 0)],
        Gdk.DragAction.COPY,
    )

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris([uri])

    def on_end(_widget, _context):
        print("drag-end", flush=True)
        Gtk.main_quit()

    box.connect("drag-data-get", on_get)
    box.connect("drag-end", on_end)
    window.add(box)

    def on_mapped(*_args):
        print("ready", flush=True)
        return False

    window.connect("map-event", on_mapped)
    window.show_all()
    GLib.timeout_add_seconds(120, Gtk.main_quit)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
