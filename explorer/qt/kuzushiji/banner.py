"""The "Get started" banner above the Kuzushiji pages: one action for a newcomer."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from explorer.core.kuzushiji import nets


def _are(names: list[str]) -> str:
    return f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'}"


def start_text(has_data: bool, trained: list[str]) -> str:
    """What the banner says before all three nets are trained: what is there, what one click does.

    ``trained`` holds the display names of the nets already trained (or loaded).
    """
    missing = [n for n in map(nets.display_name, nets.NETS) if n not in trained]
    if not trained:
        there = "<b>The KMNIST data is here.</b>" if has_data else "<b>New here?</b>"
    elif has_data:
        there = f"<b>The data is here and {_are(trained)} trained; {_are(missing)} not yet.</b>"
    else:
        there = f"<b>{_are(trained)} trained, but the KMNIST data is not here yet.</b>"
    action = "trains" if has_data else ("gets the data and trains" if trained else "gets the KMNIST data and trains")
    return (f"{there} One click {action} NetLin, NetFull and NetConv one after another with the course "
            "settings (10 epochs each, a few minutes on a laptop). You end at the comparison table, and can "
            "then draw a character for the nets to read.")


GET_STARTED_TEXT = start_text(False, [])
DONE_TEXT = ("<b>All three nets are trained.</b> Compare them in the table below, look at "
             "their mistakes on the Evaluate page, or draw a character for them to read.")


class GettingStartedBanner(QFrame):
    """The text and its two buttons; :meth:`show_mode` says which state the newcomer's path is in.

    ``mode`` is ``"start"`` (offer Get started), ``"done"`` (point at the results
    and the Draw page) or ``"hidden"`` (the user has moved on).
    """

    def __init__(self):
        super().__init__()
        self.mode = "start"
        self.text = QLabel(GET_STARTED_TEXT)
        self.text.setWordWrap(True)
        self.get_started_button = QPushButton("Get started: download and train all three")
        self.get_started_button.setObjectName("getStartedButton")
        self.get_started_button.setToolTip("Get the data if needed, then train the three nets with the course "
                                           "settings, one after another (Ctrl+G)")
        self.get_started_button.setShortcut("Ctrl+G")
        self.get_started_button.setStyleSheet("font-weight: bold; padding: 6px 14px;")
        self.draw_button = QPushButton("Draw a character →")
        self.draw_button.setToolTip("See what the trained nets read in your drawing")
        self.draw_button.setVisible(False)
        self.setObjectName("gettingStartedBanner")
        self.setStyleSheet("#gettingStartedBanner { background: #eef4fb; border: 1px solid #b7cde6; "
                           "border-radius: 4px; }")
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.get_started_button)
        layout.addWidget(self.draw_button)

    def finish(self) -> None:
        """The first run trained all three nets: point at what to do next.

        The banner keeps at least the height it had, so the pages below do not move.
        """
        if self.isVisible():
            self.setMinimumHeight(self.height())
        self.mode = "done"
        self.text.setText(DONE_TEXT)
        self.get_started_button.setVisible(False)
        self.draw_button.setVisible(True)

    def show_mode(self, *, has_data: bool, wanted: bool, trained: list[str] = ()) -> None:
        """Update the text and visibility; ``wanted``: a newcomer still has nets to train.

        ``trained``: display names of the nets there are (the text says what is there already).
        """
        if self.mode == "start":
            self.text.setText(start_text(has_data, list(trained)))
            self.get_started_button.setText(
                "Get started: " + ("train all three" if has_data else "download and train all three")
            )
            if not wanted and self.isVisible():
                # All three nets got trained while the banner was on screen: hiding it
                # would shift every page up, so it turns into the "what next" line instead.
                self.finish()
                return
            self.setVisible(wanted)
        else:
            self.setVisible(self.mode == "done")
