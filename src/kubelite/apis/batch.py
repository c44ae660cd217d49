"""batch/v1 kinds: Job and CronJob, with upstream's defaults (selector generation for Jobs),
validation (cron schedules parsed as robfig/cron's standard parser does, time zones) and
printing."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from kubelite.apis.podspec import (
    as_dict,
    as_list,
    containers_and_images,
    default_pod_template,
    format_label_selector,
    is_int,
    nonnegative,
    validate_pod_template_spec,
)
from kubelite.endpoints.table import age, human_duration
from kubelite.machinery import errors, validation
from kubelite.machinery.errors import StatusError
from kubelite.machinery.labels import selector_from_label_selector
from kubelite.registry.strategy import AGE_COLUMN, NAME_COLUMN, Cause, Obj, Strategy, TableColumn

# Labels the Job registry puts on the pod template (and selects on) when it generates the selector.
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"

_MAX_INT32 = 2147483647
_MAX_PARALLELISM_INDEXED = 100000


def default_job_spec(spec: Any, kind: str) -> None:
    """SetDefaults_Job (batch/v1)."""
    if not isinstance(spec, dict):
        return
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = _MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") is not None else "TerminatingOrFailed"
    spec.setdefault("manualSelector", False)
    for rule in as_list(as_dict(spec.get("podFailurePolicy")).get("rules")):
        for pattern in as_list(as_dict(rule).get("onPodConditions")):
            if isinstance(pattern, dict):
                pattern.setdefault("status", "True")
    default_pod_template(spec.get("template"), kind)


def _has_label(labels: Obj, key: str, expected: str, path: str) -> list[Cause]:
    """ValidateHasLabel."""
    if key not in labels:
        return [errors.required(f"{path}.labels[{key}]", expected)]
    if labels[key] != expected:
        return [errors.invalid_value(f"{path}.labels[{key}]", labels, f"must be '{expected}'")]
    return []


def _validate_job_spec_common(spec: Obj, path: str) -> list[Cause]:
    """validateJobSpec: what a Job and a CronJob's job template share."""
    errs: list[Cause] = []
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                "backoffLimitPerIndex", "maxFailedIndexes"):
        errs += nonnegative(spec.get(key), f"{path}.{key}")
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        errs.append(errors.required(f"{path}.backoffLimitPerIndex", "when maxFailedIndexes is specified"))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(errors.not_supported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
        if mode == "Indexed":
            if spec.get("completions") is None:
                errs.append(errors.required(f"{path}.completions", "when completion mode is Indexed"))
            parallelism = spec.get("parallelism")
            if is_int(parallelism) and parallelism > _MAX_PARALLELISM_INDEXED:
                errs.append(errors.invalid_value(f"{path}.parallelism", parallelism, f"must be less than or equal to {_MAX_PARALLELISM_INDEXED} when completion mode is Indexed"))
    if mode in (None, "NonIndexed"):
        for key in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(key) is not None:
                errs.append(errors.invalid_value(f"{path}.{key}", spec[key], "requires indexed completion mode"))
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:
        if spec.get("podFailurePolicy") is not None:
            if replacement != "Failed":
                errs.append(errors.not_supported(f"{path}.podReplacementPolicy", replacement, ["Failed"]))
        elif replacement not in ("Failed", "TerminatingOrFailed"):
            errs.append(errors.not_supported(f"{path}.podReplacementPolicy", replacement, ["Failed", "TerminatingOrFailed"]))
    template = spec.get("template")
    errs += validate_pod_template_spec(template, f"{path}.template")
    restart = as_dict(as_dict(template).get("spec")).get("restartPolicy")
    rp = f"{path}.template.spec.restartPolicy"
    if restart in ("Always", "", None):
        errs.append(errors.required(rp, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(errors.not_supported(rp, restart, ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        errs.append(validation.invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified'))
    return errs


class JobStrategy(Strategy):
    group = "batch"
    kind = "Job"
    resource = "jobs"
    has_status = True
    spec_generation = True
    extra_fields = ("status.successful",)

    def prepare_for_create(self, obj: Obj) -> None:
        super().prepare_for_create(obj)
        obj["status"] = {}
        spec = obj.get("spec")
        if isinstance(spec, dict) and spec.get("manualSelector") is not True:
            # The registry's PrepareForCreate: uid and name are known now.
            self._generate_selector(obj)

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        default_job_spec(spec, self.kind)
        template_labels = as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))
        meta = obj["metadata"]
        if template_labels and not meta.get("labels"):
            # SetDefaults_Job; upstream applies it on every read, so the generated labels show too.
            meta["labels"] = dict(template_labels)

    @staticmethod
    def _generate_selector(obj: Obj) -> None:
        spec, meta = obj["spec"], obj["metadata"]
        template = spec.get("template")
        if not isinstance(template, dict):
            return
        tmeta = template.setdefault("metadata", {})
        if not isinstance(tmeta, dict):
            return
        labels = tmeta.setdefault("labels", {})
        if not isinstance(labels, dict):
            return
        uid, name = meta.get("uid", ""), meta.get("name", "")
        # A user-set value is left alone; validation rejects it if it conflicts.
        labels.setdefault(LEGACY_JOB_NAME_LABEL, name)
        labels.setdefault(JOB_NAME_LABEL, name)
        labels.setdefault(LEGACY_CONTROLLER_UID_LABEL, uid)
        labels.setdefault(CONTROLLER_UID_LABEL, uid)
        selector = spec.get("selector")
        if selector is None:
            selector = spec["selector"] = {}
        if isinstance(selector, dict):
            match = selector.get("matchLabels")
            if match is None:
                match = selector["matchLabels"] = {}
            if isinstance(match, dict):
                match.setdefault(CONTROLLER_UID_LABEL, uid)

    @property
    def name_validator(self) -> Any:
        # Jobs and ReplicationControllers share their name rule.
        return validation.name_is_dns_subdomain

    def validate(self, obj: Obj) -> list[Cause]:
        return super().validate(obj) + self._validate_job(obj, require_prefixed=True)

    def _validate_job(self, obj: Obj, require_prefixed: bool) -> list[Cause]:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        meta = obj["metadata"]
        errs: list[Cause] = []
        if spec.get("manualSelector") is not True and spec.get("selector") is not None:
            # validateGeneratedSelector
            tpath = "spec.template.metadata"
            tlabels = as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))
            uid, name = meta.get("uid", ""), meta.get("name", "")
            errs += _has_label(tlabels, LEGACY_CONTROLLER_UID_LABEL, uid, tpath)
            errs += _has_label(tlabels, LEGACY_JOB_NAME_LABEL, name, tpath)
            expected = {LEGACY_CONTROLLER_UID_LABEL: uid, LEGACY_JOB_NAME_LABEL: name}
            if require_prefixed:
                errs += _has_label(tlabels, CONTROLLER_UID_LABEL, uid, tpath)
                errs += _has_label(tlabels, JOB_NAME_LABEL, name, tpath)
                expected.update({CONTROLLER_UID_LABEL: uid, JOB_NAME_LABEL: name})
            try:
                sel = selector_from_label_selector(as_dict(spec.get("selector")))
                if not sel.matches(expected):
                    errs.append(errors.invalid_value("spec.selector", spec.get("selector"), "`selector` not auto-generated"))
            except StatusError:
                pass
        errs += _validate_job_spec_common(spec, "spec")
        selector = spec.get("selector")
        if selector is None:
            errs.append(errors.required("spec.selector"))
        elif isinstance(selector, dict):
            errs += validation.validate_label_selector(selector, "spec.selector")
            try:
                sel = selector_from_label_selector(selector)
                tlabels = as_dict(as_dict(as_dict(spec.get("template")).get("metadata")).get("labels"))
                if not sel.matches(tlabels):
                    errs.append(errors.invalid_value("spec.template.metadata.labels", tlabels, "`selector` does not match template `labels`"))
            except StatusError:
                pass
        completions = spec.get("completions")
        if spec.get("completionMode") == "Indexed" and is_int(completions) and completions > 0:
            hostname = f"{meta.get('name', '')}-{completions - 1}"
            if validation.is_dns1123_label(hostname):
                errs.append(validation.invalid("metadata.name", meta.get("name", ""), f"will not able to create pod with invalid DNS label: {hostname}"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        old_labels = as_dict(as_dict(as_dict(as_dict(old.get("spec")).get("template")).get("metadata")).get("labels"))
        # Jobs created before the prefixed labels existed still validate.
        prefixed = JOB_NAME_LABEL in old_labels and CONTROLLER_UID_LABEL in old_labels
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        errs += self._validate_job(obj, require_prefixed=prefixed)
        new_spec, old_spec = as_dict(obj.get("spec")), as_dict(old.get("spec"))
        mode = new_spec.get("completionMode")
        if new_spec.get("completions") != old_spec.get("completions"):
            if mode != "Indexed":
                errs.append(errors.invalid_value("spec.completions", new_spec.get("completions"), "field is immutable"))
            elif new_spec.get("completions") is not None and new_spec.get("completions") != new_spec.get("parallelism"):
                errs.append(errors.invalid_value("spec.completions", new_spec.get("completions"), "can only be modified in tandem with spec.parallelism"))
        for key in ("selector", "completionMode", "podFailurePolicy", "backoffLimitPerIndex"):
            if new_spec.get(key) != old_spec.get(key):
                errs.append(errors.invalid_value(f"spec.{key}", new_spec.get(key), "field is immutable"))
        errs += self._template_update(new_spec, old_spec, old)
        return errs

    @staticmethod
    def _template_update(new_spec: Obj, old_spec: Obj, old: Obj) -> list[Cause]:
        """The template is immutable, except the scheduling directives of a suspended Job
        that never started."""
        template, old_template = as_dict(new_spec.get("template")), as_dict(old_spec.get("template"))
        if template == old_template:
            return []
        suspended = old_spec.get("suspend") is True and not as_dict(old.get("status")).get("startTime")
        if suspended:
            def strip(t: Obj) -> Obj:
                t = {**t, "metadata": {k: v for k, v in as_dict(t.get("metadata")).items() if k not in ("labels", "annotations")}}
                pod = {k: v for k, v in as_dict(t.get("spec")).items() if k not in ("nodeSelector", "tolerations", "schedulingGates")}
                affinity = {k: v for k, v in as_dict(pod.get("affinity")).items() if k != "nodeAffinity"}
                pod["affinity"] = affinity
                t["spec"] = pod
                return t

            if strip(template) == strip(old_template):
                return []
        return [errors.invalid_value("spec.template", template, "field is immutable")]

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        msgs = validation.is_dns1123_label(obj["metadata"].get("name", ""))
        if old is None and msgs:
            return ["metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
                    f"a DNS label is recommended: [{' '.join(msgs)}]"]
        return []

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        fields = super().selectable_fields(obj)
        fields["status.successful"] = str(as_dict(obj.get("status")).get("succeeded", 0))
        return fields

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Status", description="Status of the job."),
            TableColumn("Completions", description="The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
            TableColumn("Duration", description="Time required to complete the job."),
            AGE_COLUMN,
            TableColumn("Containers", priority=1, description="Names of each container in the template."),
            TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
            TableColumn("Selector", priority=1, description="A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        succeeded = status.get("succeeded", 0)
        if spec.get("completions") is not None:
            completions = f"{succeeded}/{spec['completions']}"
        else:
            parallelism = spec.get("parallelism") or 0
            completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
        duration = ""
        start, end = _parse_time(status.get("startTime")), _parse_time(status.get("completionTime"))
        if start is not None:
            duration = human_duration(((end or datetime.now(UTC)) - start).total_seconds())
        conditions = {c.get("type"): c.get("status") for c in as_list(status.get("conditions")) if isinstance(c, dict)}
        if conditions.get("Complete") == "True":
            state = "Complete"
        elif conditions.get("Failed") == "True":
            state = "Failed"
        elif obj["metadata"].get("deletionTimestamp"):
            state = "Terminating"
        elif conditions.get("Suspended") == "True":
            state = "Suspended"
        elif conditions.get("FailureTarget") == "True":
            state = "FailureTarget"
        else:
            state = "Running"
        names, images = containers_and_images(as_dict(spec.get("template")).get("spec"))
        return [obj["metadata"]["name"], state, completions, duration, age(obj["metadata"].get("creationTimestamp")),
                names, images, format_label_selector(spec.get("selector"))]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# --- cron schedules (github.com/robfig/cron/v3 ParseStandard) --------------------------------------

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (min, max, names) of minute, hour, day of month, month, day of week.
_BOUNDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS),
)
_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_GO_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")


class CronError(ValueError):
    pass


def _atoi(expr: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _atoi(expr)


def _check_range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> None:
    """robfig/cron getRange."""
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    single = len(low_high) == 1
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _int_or_name(low_high[0], names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if single:
            end = hi
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def parse_cron(spec: str) -> None:
    """Raises CronError with robfig/cron's message when ParseStandard would fail."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        eq = spec.find("=")
        name = spec[eq + 1:space] if space >= 0 else spec[eq + 1:]
        try:
            _load_zone(name)
        except CronError as exc:
            raise CronError(f"provided bad location {name}: {exc}") from None
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            duration = spec[len("@every "):]
            if not _GO_DURATION.match(duration):
                raise CronError(f'failed to parse duration {spec}: time: invalid duration "{duration}"')
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for value, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (part for part in value.split(",") if part):
            _check_range(expr, lo, hi, names)


def _load_zone(name: str) -> None:
    """time.LoadLocation."""
    if name in ("", "UTC", "Local"):
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise CronError(f"unknown time zone {name}") from None


_TZ_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def validate_time_zone(tz: Any, path: str) -> list[Cause]:
    if tz is None:
        return []
    tz = str(tz)
    if not tz:
        return [validation.invalid(path, tz, "timeZone must be nil or non-empty string")]
    for part in tz.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return [validation.invalid(path, tz, f"unknown time zone {tz}")]
    errs: list[Cause] = []
    if tz.lower() == "local":
        errs.append(validation.invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
    try:
        _load_zone(tz)
    except CronError as exc:
        errs.append(validation.invalid(path, tz, str(exc)))
    return errs


class CronJobStrategy(Strategy):
    group = "batch"
    kind = "CronJob"
    resource = "cronjobs"
    has_status = True
    spec_generation = True

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def default(self, obj: Obj) -> None:
        spec = obj.setdefault("spec", {})
        if not isinstance(spec, dict):
            return
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_spec = as_dict(spec.get("jobTemplate")).get("spec")
        default_job_spec(job_spec, self.kind)

    def _validate_spec(self, spec: Any, old_spec: Obj | None) -> list[Cause]:
        if not isinstance(spec, dict):
            return [errors.required("spec", "")]
        errs: list[Cause] = []
        schedule = spec.get("schedule")
        if not schedule:
            errs.append(errors.required("spec.schedule"))
        else:
            schedule = str(schedule)
            try:
                parse_cron(schedule)
            except CronError as exc:
                errs.append(validation.invalid("spec.schedule", schedule, str(exc)))
            allow_tz = old_spec is not None and "TZ" in str(old_spec.get("schedule") or "")
            if allow_tz and "TZ" in schedule and spec.get("timeZone") is not None:
                errs.append(validation.invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
            elif not allow_tz and "TZ" in schedule:
                errs.append(validation.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
        errs += nonnegative(spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds")
        if old_spec is None or old_spec.get("timeZone") != spec.get("timeZone"):
            errs += validate_time_zone(spec.get("timeZone"), "spec.timeZone")
        policy = spec.get("concurrencyPolicy")
        if not policy:
            errs.append(errors.required("spec.concurrencyPolicy"))
        elif policy not in ("Allow", "Forbid", "Replace"):
            errs.append(errors.not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
        job_spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
        errs += _validate_job_spec_common(job_spec, "spec.jobTemplate.spec")
        if job_spec.get("selector") is not None:
            errs.append(errors.invalid_value("spec.jobTemplate.spec.selector", job_spec["selector"], "`selector` will be auto-generated"))
        if job_spec.get("manualSelector") is True:
            errs.append(errors.not_supported("spec.jobTemplate.spec.manualSelector", "true", ["nil", "false"]))
        errs += nonnegative(spec.get("successfulJobsHistoryLimit"), "spec.successfulJobsHistoryLimit")
        errs += nonnegative(spec.get("failedJobsHistoryLimit"), "spec.failedJobsHistoryLimit")
        return errs

    @property
    def name_validator(self) -> Any:
        return validation.name_is_dns_subdomain

    def validate(self, obj: Obj) -> list[Cause]:
        errs = super().validate(obj) + self._validate_spec(obj.get("spec"), None)
        name = obj["metadata"].get("name", "")
        if len(name) > 52:
            # The controller appends an 11-character suffix to name its Jobs (63 at most).
            errs.append(validation.invalid("metadata.name", name, "must be no more than 52 characters"))
        return errs

    def validate_update(self, obj: Obj, old: Obj) -> list[Cause]:
        errs = validation.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}))
        return errs + self._validate_spec(obj.get("spec"), as_dict(old.get("spec")))

    def table_columns(self) -> list[TableColumn]:
        return [
            NAME_COLUMN,
            TableColumn("Schedule", description="The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            TableColumn("Timezone", description="The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
            TableColumn("Suspend", "boolean", description="This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false."),
            TableColumn("Active", "integer", description="A list of pointers to currently running jobs."),
            TableColumn("Last Schedule", description="Information when was the last time the job was successfully scheduled."),
            AGE_COLUMN,
            TableColumn("Containers", priority=1, description="Names of each container in the template."),
            TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
            TableColumn("Selector", priority=1, description="A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ]

    def table_row(self, obj: Obj) -> list[Any]:
        spec, status = as_dict(obj.get("spec")), as_dict(obj.get("status"))
        last = status.get("lastScheduleTime")
        suspend = spec.get("suspend")
        job_spec = as_dict(as_dict(spec.get("jobTemplate")).get("spec"))
        names, images = containers_and_images(as_dict(job_spec.get("template")).get("spec"))
        return [
            obj["metadata"]["name"], spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "<unset>" if suspend is None else ("True" if suspend else "False"),
            len(as_list(status.get("active"))), age(last) if last else "<none>",
            age(obj["metadata"].get("creationTimestamp")), names, images, format_label_selector(job_spec.get("selector")),
        ]


STRATEGIES: dict[tuple[str, str], type[Strategy]] = {
    ("batch", "Job"): JobStrategy,
    ("batch", "CronJob"): CronJobStrategy,
}
