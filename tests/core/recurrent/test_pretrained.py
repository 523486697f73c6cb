import pytest

from explorer.core import checkpoints
from explorer.core.errors import UserError
from explorer.core.recurrent.evaluation import accuracy, accuracy_per_n
from explorer.core.recurrent.weights import PRETRAINED, load_pretrained, pretrained_path


@pytest.mark.parametrize(("lang", "model", "hidden"), PRETRAINED)
def test_shipped_nets_load_small_labelled_and_solve(lang, model, hidden):
    path = pretrained_path(lang, model, hidden)
    assert path.is_file() and path.stat().st_size < 100_000
    ckpt = checkpoints.load(path)
    assert (
        ckpt.experiment == "recurrent"
        and ckpt.architecture == f"{model.upper()}-{hidden} on {lang}"
    )
    net = load_pretrained(lang, model, hidden)
    assert (net.language.name, net.kind, net.hidden) == (lang, model, hidden)
    assert accuracy(net.model, lang) == 100.0


def test_shipped_lstm_generalises_to_twice_the_training_length():
    net = load_pretrained("anb2nc3n", "lstm", 3)
    per_n = accuracy_per_n(net.model, "anb2nc3n", 8)
    assert all(per_n[n] == 100.0 for n in range(1, 9))


def test_missing_pretrained_is_refused():
    with pytest.raises(UserError, match="no pretrained LSTM-7"):
        load_pretrained("anb2n", "lstm", 7)
