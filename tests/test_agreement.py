"""Agreement metrics against figures computed by hand (the computation is in the comments)."""

from __future__ import annotations

import pytest

from toolkit.team.agreement import (
    Agreement,
    cohen_kappa,
    iou,
    krippendorff_alpha,
    match_spans,
    relation_agreement,
    sentence_codes,
    span_agreement,
)


def test_krippendorff_nominal_worked_example_of_the_2011_paper():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders,
    # 12 units, nominal values 1-5, missing values blank. Unit 12 has one value: not pairable.
    # Pairable values n = 40; Do and De from the coincidence matrix give alpha = 0.743.
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    assert krippendorff_alpha(zip(a, b, c, d)) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_binary_example_and_cohen_kappa_on_the_same_data():
    # Krippendorff (2011), section A: two coders, ten units, binary.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    # Coincidences: units 1, 3, 6, 9 disagree, each adds 1 to o(0,1) and to o(1,0): o01 = 4.
    # n0 = 14 zeros, n1 = 6 ones, n = 20: alpha = 1 - (n - 1) * o01 / (n0 * n1) = 1 - 19 * 4 / 84 = 0.0952.
    assert krippendorff_alpha(zip(a, b)) == pytest.approx(1 - 76 / 84)
    # Kappa: p_o = 6/10; a codes 1 twice, b four times: p_e = .2 * .4 + .8 * .6 = .56;
    # kappa = (.6 - .56) / (1 - .56) = 0.0909.
    assert cohen_kappa(a, b) == pytest.approx(0.04 / 0.44)


def test_undefined_figures_are_none():
    assert cohen_kappa([1, 1], [1, 1]) is None  # one category: chance agreement is 1
    assert krippendorff_alpha([(1, 1), (1, 1)]) is None
    assert krippendorff_alpha([(1, None), (None, 2)]) is None  # nothing pairable
    assert Agreement(0, 0, 0).f1 is None


def test_span_f1_exact_and_relaxed():
    # A: [0,10) [20,30) [40,50); B: [0,10) [22,30) [60,70).
    # Exact: only [0,10) matches: F1 = 2*1/(3+3) = 1/3.
    # Relaxed: [20,30) vs [22,30): IoU = 8/10 = 0.8 >= 0.5, matches too: F1 = 2*2/6 = 2/3.
    a = [(0, 10), (20, 30), (40, 50)]
    b = [(0, 10), (22, 30), (60, 70)]
    assert span_agreement(a, b).f1 == pytest.approx(1 / 3)
    assert span_agreement(a, b, relaxed=True).f1 == pytest.approx(2 / 3)
    # IoU of [0,10) and [5,15): 5 shared of 15 covered = 1/3 < 0.5: no relaxed match.
    assert iou((0, 10), (5, 15)) == pytest.approx(1 / 3)
    assert span_agreement([(0, 10)], [(5, 15)], relaxed=True).matched == 0


def test_relaxed_matching_is_one_to_one_best_first():
    # [0,10) overlaps [0,9) (IoU .9) and [1,10) (IoU .9): it takes the first; [0,11) is left for [1,10).
    assert match_spans([(0, 10), (0, 11)], [(0, 9), (1, 10)]) == {0: 0, 1: 1}


def test_relation_f1_with_endpoints_matched():
    # A's claims [0,10) [20,30); B's [1,10) [50,60). A links claim 0 -> fn1 supports and
    # claim 1 -> fn2 supports; B links claim 0 -> fn1 supports and claim 0 -> fn2 disputes.
    # Claim 0 of A matches claim 0 of B (IoU .9); claim 1 matches nothing.
    # Matched links: (0, fn1, supports) only: F1 = 2*1/(2+2) = 0.5.
    got = relation_agreement([(0, 10), (20, 30)], [(0, "fn1", "supports"), (1, "fn2", "supports")],
                             [(1, 10), (50, 60)], [(0, "fn1", "supports"), (0, "fn2", "disputes")])
    assert (got.matched, got.a, got.b, got.f1) == (1, 2, 2, 0.5)


def test_sentence_codes():
    # Sentences [0,10) [10,20) [20,30); claims [5,12) (overlaps the first two) and [30,40) (none).
    assert sentence_codes([(0, 10), (10, 20), (20, 30)], [(5, 12), (30, 40)]) == [1, 1, 0]
