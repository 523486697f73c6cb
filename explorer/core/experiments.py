"""The one list of experiments: the window's tabs, the command line, the exports and Help all read it.

API:

- :class:`Experiment` -- one experiment: its command-line ``key``, the ``title`` on its tab, where its
  tab class, renderer (figures, export, report) and command-line module are, its Help page and the
  Qt-free modules its tab needs (which the window may import on a background thread first).
- ``EXPERIMENTS`` -- every experiment, in the window's order; ``KEYS`` -- their keys.
- ``experiment(key) -> Experiment`` -- one by key; :class:`UserError` naming the choices otherwise.

Adding an experiment is one entry here plus its own packages (``explorer/core/<key>/``,
``explorer/qt/<key>/``, ``explorer/cli/<key>.py``, ``resources/help/<key>.md``). The paths are
strings so that reading the list imports nothing of Qt or torch.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.core.errors import UserError


@dataclass(frozen=True)
class Experiment:
    """One experiment of the app.

    Attributes
    ----------
    key : str
        Its command-line name (``python -m explorer export --tab KEY``) and the folder of its packages.
    title : str
        The text on its tab and the heading of its part of the report.
    tab : str
        ``"module:Class"`` of its :class:`~explorer.qt.tab.ExperimentTab`.
    renderer : str
        The module with ``load_model()``, ``figures(model)``, ``export_all(model, …)`` and
        ``report_sections(model)``.
    cli : str
        The module whose ``register(commands)`` adds its command-line commands.
    help_page : str
        The stem of its guide in ``resources/help/`` (``<help_page>.md``).
    preload : tuple of str
        The Qt-free modules its tab imports, the slow part of building it.
    """

    key: str
    title: str
    tab: str
    renderer: str
    cli: str
    help_page: str
    preload: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        """The Qt package of the experiment (``explorer.qt.<key>``): every module of the tab is inside it."""
        return self.tab.partition(":")[0].rsplit(".", 1)[0]


EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        key="kuzushiji",
        title="Kuzushiji-MNIST",
        tab="explorer.qt.kuzushiji.tab:KuzushijiTab",
        renderer="explorer.qt.kuzushiji.exports",
        cli="explorer.cli.kuzushiji",
        help_page="kuzushiji",
        preload=("explorer.core.kuzushiji.engine", "explorer.core.kuzushiji.evaluation",
                 "explorer.core.kuzushiji.work", "explorer.core.kuzushiji.preprocess",
                 "explorer.core.kuzushiji.examples", "explorer.core.kuzushiji.inputs"),
    ),
    Experiment(
        key="mlp",
        title="MLP on a grid",
        tab="explorer.qt.mlp.tab:MLPTab",
        renderer="explorer.qt.mlp.figures",
        cli="explorer.cli.mlp",
        help_page="mlp",
        preload=("explorer.core.mlp.training", "explorer.core.mlp.work", "explorer.core.mlp.analysis",
                 "explorer.core.mlp.timeline"),
    ),
    Experiment(
        key="recurrent",
        title="Recurrent dynamics",
        tab="explorer.qt.recurrent.tab:RecurrentTab",
        renderer="explorer.qt.recurrent.figures",
        cli="explorer.cli.recurrent",
        help_page="recurrent",
        preload=("explorer.core.recurrent.analysis", "explorer.core.recurrent.training",
                 "explorer.core.recurrent.machine_study", "explorer.core.recurrent.work",
                 "explorer.core.recurrent.weights", "explorer.core.recurrent.fsm_lockstep"),
    ),
)

KEYS: tuple[str, ...] = tuple(e.key for e in EXPERIMENTS)


def experiment(key: str) -> Experiment:
    """The experiment called ``key``; :class:`UserError` naming the choices if there is none."""
    for each in EXPERIMENTS:
        if each.key == key:
            return each
    raise UserError(f"no experiment called {key!r}; choose one of {', '.join(KEYS)}")


def experiment_of_module(module: str) -> Experiment | None:
    """The experiment whose Qt package holds ``module`` (e.g. ``explorer.qt.mlp.tab``), or ``None``."""
    for each in EXPERIMENTS:
        if module == each.package or module.startswith(each.package + "."):
            return each
    return None
