"""The API's shapes, as marshmallow schemas: what every response carries
(responses are dumped through them, so no undeclared field can leak), what
the query strings accept, and, through apispec, the OpenAPI document.

Field names are snake_case. Dates are ISO 8601 in UTC. Labels (`*_label`,
`name`) are in the language asked for with `?lang=` or Accept-Language.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from participation.services import browse
from participation.vocabulary import IdeaStatus, Language, OfficialStatus

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
LANGUAGES = list(Language.values())


class Out(Schema):
    """A response shape: every declared field is always present (maybe null)."""

    class Meta:
        ordered = True


def _required(field: fields.Field) -> fields.Field:
    field.required = True
    return field


class NamesSchema(Out):
    fr = _required(fields.String())
    nl = _required(fields.String())
    en = _required(fields.String())


class ChallengeRefSchema(Out):
    slug = _required(fields.String())
    name = _required(fields.String())


class MunicipalityRefSchema(Out):
    slug = _required(fields.String())
    nis_code = _required(fields.String(metadata={"description": "Statistics Belgium (NIS) code"}))
    name = _required(fields.String())


class ChallengeSchema(Out):
    slug = _required(fields.String())
    position = _required(fields.Integer())
    name = _required(fields.String())
    description = _required(fields.String())
    names = _required(fields.Nested(NamesSchema))
    url = _required(fields.String(metadata={"description": "Its page on the site"}))
    ideas_url = _required(fields.String(metadata={"description": "Its ideas in this API"}))


class MunicipalitySchema(Out):
    slug = _required(fields.String())
    nis_code = _required(fields.String())
    name = _required(fields.String())
    names = _required(fields.Nested(NamesSchema))
    ideas_url = _required(fields.String())


class AuthorSchema(Out):
    display_name = _required(
        fields.String(metadata={"description": 'Public name, or "Former participant"'})
    )


class ResponseTextsSchema(Out):
    fr = _required(fields.String(allow_none=True))
    nl = _required(fields.String(allow_none=True))
    en = _required(fields.String(allow_none=True))


class OfficialResponseSchema(Out):
    status = _required(fields.String(validate=validate.OneOf(OfficialStatus.values())))
    status_label = _required(fields.String())
    response = _required(
        fields.String(
            metadata={
                "description": "Plain text in the language asked for, else in French "
                "(see response_language); may be empty"
            }
        )
    )
    response_language = _required(
        fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    )
    response_texts = _required(
        fields.Nested(
            ResponseTextsSchema,
            metadata={
                "description": "Every language version, plain text; French and Dutch are "
                "given together, English is optional (null when absent)"
            },
        )
    )
    answered_by = _required(fields.Nested(AuthorSchema))
    created_at = _required(fields.DateTime())


class IdeaSchema(Out):
    id = _required(fields.Integer())
    url = _required(fields.String())
    comments_url = _required(fields.String())
    status = _required(
        fields.String(
            validate=validate.OneOf(
                IdeaStatus.values((IdeaStatus.PUBLISHED, IdeaStatus.WITHDRAWN, IdeaStatus.HIDDEN))
            )
        )
    )
    status_label = _required(fields.String())
    placeholder = _required(
        fields.String(
            allow_none=True,
            metadata={
                "description": "For an idea hidden by moderation, the notice shown instead "
                "of its text (title, body and author are then null); null otherwise"
            },
        )
    )
    title = _required(fields.String(allow_none=True))
    body_html = _required(
        fields.String(allow_none=True, metadata={"description": "Sanitized HTML"})
    )
    language = _required(fields.String(validate=validate.OneOf(LANGUAGES)))
    author = _required(fields.Nested(AuthorSchema, allow_none=True))
    challenge = _required(fields.Nested(ChallengeRefSchema))
    municipality = _required(
        fields.Nested(
            MunicipalityRefSchema,
            allow_none=True,
            metadata={"description": "null: an idea for the whole Region"},
        )
    )
    published_at = _required(fields.DateTime(allow_none=True))
    updated_at = _required(fields.DateTime())
    withdrawn_at = _required(fields.DateTime(allow_none=True))
    support_count = _required(fields.Integer())
    comment_count = _required(fields.Integer())
    duplicate_of = _required(fields.Integer(allow_none=True))
    official_status = _required(
        fields.String(allow_none=True, validate=validate.OneOf(OfficialStatus.values()))
    )
    official_status_label = _required(fields.String(allow_none=True))
    official_responses = _required(
        fields.List(
            fields.Nested(OfficialResponseSchema),
            metadata={"description": "Every official status given, oldest first"},
        )
    )


class CommentSchema(Out):
    id = _required(fields.Integer())
    idea_id = _required(fields.Integer())
    parent_id = _required(
        fields.Integer(
            allow_none=True,
            metadata={"description": "The comment replied to (it may be withheld)"},
        )
    )
    author = _required(fields.Nested(AuthorSchema))
    body_html = _required(fields.String(metadata={"description": "Sanitized HTML"}))
    language = _required(
        fields.String(
            validate=validate.OneOf(LANGUAGES),
            metadata={"description": "The language it is written in"},
        )
    )
    created_at = _required(fields.DateTime())
    edited_at = _required(fields.DateTime(allow_none=True))


class PageMetaSchema(Out):
    limit = _required(fields.Integer())
    count = _required(fields.Integer(metadata={"description": "Items on this page"}))
    next_cursor = _required(
        fields.String(allow_none=True, metadata={"description": "null on the last page"})
    )


class LinksSchema(Out):
    self = _required(fields.String())
    next = _required(fields.String(allow_none=True))


class IdeaPageSchema(Out):
    data = _required(fields.List(fields.Nested(IdeaSchema)))
    meta = _required(fields.Nested(PageMetaSchema))
    links = _required(fields.Nested(LinksSchema))


class CommentPageSchema(Out):
    data = _required(fields.List(fields.Nested(CommentSchema)))
    meta = _required(fields.Nested(PageMetaSchema))
    links = _required(fields.Nested(LinksSchema))


class ChallengeListSchema(Out):
    data = _required(fields.List(fields.Nested(ChallengeSchema)))


class MunicipalityListSchema(Out):
    data = _required(fields.List(fields.Nested(MunicipalitySchema)))


class TallySchema(Out):
    ideas = _required(fields.Integer())
    supports = _required(fields.Integer())
    comments = _required(fields.Integer())
    answered = _required(
        fields.Integer(metadata={"description": "Ideas with an official response"})
    )
    answer_rate = _required(fields.Float(metadata={"description": "answered / ideas, 0 to 1"}))


class ChallengeTallySchema(TallySchema):
    challenge = _required(fields.Nested(ChallengeRefSchema))


PEOPLE = (
    "People who proposed, supported or commented a public idea; null when fewer "
    "than `small_cell_threshold` (small-cell protection)"
)


class MunicipalityTallySchema(TallySchema):
    municipality = _required(
        fields.Nested(
            MunicipalityRefSchema,
            allow_none=True,
            metadata={"description": "null: ideas for the whole Region"},
        )
    )
    participants = _required(
        fields.Integer(
            allow_none=True,
            metadata={
                "description": PEOPLE + ", counted by the municipality they declared "
                "(always null for the whole Region)"
            },
        )
    )


class MonthTopSchema(Out):
    idea_id = _required(fields.Integer())
    title = _required(fields.String())
    url = _required(fields.String())
    supports = _required(fields.Integer(metadata={"description": "Supports this month"}))


class WeekSchema(Out):
    week_start = _required(fields.Date(metadata={"description": "A Monday"}))
    ideas = _required(fields.Integer())
    supports = _required(fields.Integer())
    comments = _required(fields.Integer())


class StatisticsSchema(Out):
    computed_at = _required(
        fields.DateTime(
            metadata={"description": "When these numbers were counted (every few minutes)"}
        )
    )
    totals = _required(fields.Nested(TallySchema))
    median_days_to_answer = _required(
        fields.Float(
            allow_none=True,
            metadata={"description": "From publication to the first official response"},
        )
    )
    participants = _required(fields.Integer(allow_none=True, metadata={"description": PEOPLE}))
    small_cell_threshold = _required(
        fields.Integer(metadata={"description": "Counts of people under this are null"})
    )
    by_challenge = _required(fields.List(fields.Nested(ChallengeTallySchema)))
    by_municipality = _required(fields.List(fields.Nested(MunicipalityTallySchema)))
    by_week = _required(fields.List(fields.Nested(WeekSchema)))
    most_supported_this_month = _required(
        fields.List(
            fields.Nested(MonthTopSchema),
            metadata={"description": "The public ideas with the most supports since the 1st"},
        )
    )


class ResourceSchema(Out):
    name = _required(fields.String())
    url = _required(fields.String())


class IndexSchema(Out):
    version = _required(fields.String())
    documentation = _required(fields.String())
    openapi = _required(fields.String())
    licence = _required(fields.String())
    resources = _required(fields.List(fields.Nested(ResourceSchema)))


class ErrorBodySchema(Out):
    code = _required(fields.String(metadata={"description": "A stable, machine-readable code"}))
    message = _required(fields.String(metadata={"description": "In the language asked for"}))
    details = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "The query parameters refused, with why"},
    )


class ErrorSchema(Out):
    error = _required(fields.Nested(ErrorBodySchema))


# --- Query strings ------------------------------------------------------------------


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class LanguageArgs(In):
    lang = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of labels (else Accept-Language, else French)"},
    )


class PageArgs(LanguageArgs):
    cursor = fields.String(
        validate=validate.Length(max=400),
        metadata={
            "description": "The `next_cursor` of the previous page: opaque and signed; "
            "the page starts after that page's last item"
        },
    )
    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page (default {DEFAULT_LIMIT})"},
    )


class IdeaListArgs(PageArgs):
    """The same filters and orders as the site's ideas list (services.browse)."""

    q = fields.String(
        validate=validate.Length(max=200), metadata={"description": "Words to search for"}
    )
    challenge = fields.String(metadata={"description": "A challenge's slug (see /challenges)"})
    municipality = fields.String(
        metadata={
            "description": f"A municipality's slug (see /municipalities), or "
            f'"{browse.WHOLE_REGION}" for ideas about the whole Region'
        }
    )
    status = fields.String(validate=validate.OneOf(list(browse.STATUS_LABELS)))
    language = fields.String(
        validate=validate.OneOf(LANGUAGES), metadata={"description": "Language of the idea"}
    )
    sort = fields.String(
        validate=validate.OneOf(list(browse.SORT_LABELS)),
        metadata={"description": '"relevance" applies only with q'},
    )
