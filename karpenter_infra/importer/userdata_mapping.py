"""``userData``: the chart's template translated per group (the translator itself is ``userdata``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from karpenter_infra.importer.base import Mapper
from karpenter_infra.importer.helm_render import chart_user_data, render_helm
from karpenter_infra.importer.helm_template import Text, UserDataError
from karpenter_infra.importer.userdata import render_translation, values_for
from karpenter_infra.importer.values import go_print


class UserDataMapping(Mapper):
    def _parse_templates(self, groups_raw: dict[str, Any]) -> None:
        if "userData" in self.values:
            self.attempt(lambda: self.translation(self.values["userData"], "userData"))
        for name in sorted(groups_raw):
            raw = groups_raw[name]
            if isinstance(raw, dict) and "userData" in raw and "nodeClassRef" not in raw:
                self.group_name = name
                self.attempt(partial(self.translation, raw["userData"], "userData"))
        self.group_name = ""

    def _user_data(self, raw: dict[str, Any], group_label: str) -> tuple[str | None, str | None, dict[str, Any]]:
        """(verbatim, template, values): a userData without template actions imports as verbatim user data."""
        if "userData" in raw:
            source = raw["userData"]
        elif "userData" in self.values:
            source = self.values["userData"]
        else:
            return None, None, {}
        translation = self.translation(source, "userData")
        if translation is None:
            return None, None, {}
        root = {"Values": self.values, "key": self.group_name, "value": raw}
        try:
            values = values_for(translation, root)
            rendered = render_helm(translation.template, root)
        except UserDataError as exc:
            raise self.error("userData", f"`{exc.construct}`: {exc.problem}") from None
        chart = chart_user_data(rendered)
        ours = render_translation(
            translation,
            go_print(self.values.get("clusterName")),
            self.group_name,
            group_label,
            go_print(self.values.get("nodeGroupLabelName")),
            values,
        )
        if chart is None:
            self.warn(
                "userData",
                "its first line starts with whitespace, which breaks the chart's YAML (the chart cannot render it); "
                "imported as written",
            )
        elif chart != ours:
            self.warn(
                "userData",
                "the translated template renders differently from the chart"
                + (" in trailing whitespace only" if chart.rstrip() == ours.rstrip() else "")
                + "; review the user data",
            )
        if all(isinstance(node, Text) for node in translation.template.nodes):
            return ours, None, {}
        return None, translation.jinja, values
