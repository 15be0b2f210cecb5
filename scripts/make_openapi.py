#!/usr/bin/env python3
"""Writes Sources/SpruceServer/Templates/openapi.json, the OpenAPI 3.1 description of /api/v1 and /api/app/v1.

Edit this file, not the JSON; `python3 scripts/make_openapi.py` regenerates it. A Swift test checks that
every /api route the server registers is in the document and the other way round.
"""
import json, os

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def problem(desc): return {"description": desc, "content": {"application/problem+json": {"schema": ref("Problem")}}}
def ok(desc, schema): return {"description": desc, "content": {"application/json": {"schema": schema}}}
nullable_str = {"type": "string"}
unauthorized = problem("No API key, or an unknown or revoked one")
bearer = [{"apiKey": []}]
json_body_errors = {
    "400": problem("The body is not JSON"),
    "413": problem("The body is larger than 64 KiB"),
    "415": problem("Content-Type is not application/json"),
    "422": problem("A field breaks a rule; `field` and `rule` name them"),
}
code_param = {"name": "code", "in": "path", "required": True, "description": "A practice link code, any case",
              "schema": {"type": "string", "minLength": 1, "maxLength": 64}}

doc = {
  "openapi": "3.1.0",
  "info": {"title": "SpruceLink API", "version": "1.0.0",
           "description": "Mint, resolve and disable Spruce links, create invitations and list conversations. "
                          "Errors are RFC 9457 problem documents naming the field and the rule."},
  "servers": [{"url": "/"}],
  "components": {
    "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                   "description": "An organization's key from `sprucelink org api-key create --org ID`"},
                        "appToken": {"type": "http", "scheme": "bearer",
                                     "description": "A patient's app token (`spa_…`) from `/api/app/v1/signup/verify` or "
                                                    "`/login`; cookies are never accepted on the app API"}},
    "schemas": {
      "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
          "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
          "detail": {"type": "string"}, "instance": {"type": "string"}, "field": {"type": "string"},
          "rule": {"type": "string"}}},
      "Profile": {"type": "object", "required": ["displayName", "kind", "acceptsNewPatients", "monogram"],
                  "additionalProperties": False, "properties": {
          "displayName": {"type": "string"}, "kind": {"type": "string", "enum": ["practice", "clinic"]},
          "specialty": nullable_str, "summary": nullable_str, "address": nullable_str, "phone": nullable_str,
          "website": nullable_str, "hours": nullable_str, "acceptsNewPatients": {"type": "boolean"},
          "monogram": {"type": "string"}}},
      "Link": {"type": "object", "required": ["code", "url", "label", "tags", "status", "primary", "createdAt",
                                              "qrColors"],
               "properties": {
          "qrColors": ref("QRColors"),
          "code": {"type": "string"}, "url": {"type": "string"}, "label": {"type": "string"},
          "tags": {"type": "array", "items": {"type": "string"}},
          "status": {"type": "string", "enum": ["active", "disabled"]}, "primary": {"type": "boolean"},
          "createdAt": {"type": "string", "format": "date-time"},
          "codeLength": {"type": "integer", "description": "On a freshly minted numeric link: the digits minting used (more than asked for when that length's codes were more than 10 % used)."},
          "lengthNotice": {"type": "string", "description": "On a freshly minted link, when minting moved to a longer code: why."}}},
      "LinkList": {"type": "object", "required": ["links"], "properties": {"links": {"type": "array", "items": ref("Link")}}},
      "ResolvedLink": {"type": "object", "required": ["code", "url", "profile"], "properties": {
          "code": {"type": "string"}, "url": {"type": "string"}, "profile": ref("Profile")}},
      "Resolved": {"type": "object", "required": ["target", "outcome", "status", "message"], "properties": {
          "target": {"type": "string", "enum": ["practice", "invitation"]}, "code": {"type": "string"},
          "outcome": {"type": "string", "enum": ["found", "not_found", "disabled", "invitation_expired",
                                                 "invitation_accepted", "invitation_revoked"]},
          "status": {"type": "integer", "enum": [200, 404, 410]}, "message": {"type": "string"},
          "profile": ref("Profile")}},
      "Organization": {"type": "object", "required": ["id", "profile"], "properties": {
          "id": {"type": "integer"}, "profile": ref("Profile")}},
      "Recipient": {"type": "object", "properties": {
          "name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"}}},
      "Invitation": {"type": "object", "required": ["id", "linkId", "recipient", "state", "createdAt", "expiresAt"],
                     "properties": {
          "id": {"type": "integer"}, "linkId": {"type": "integer"}, "recipient": ref("Recipient"),
          "state": {"type": "string", "enum": ["pending", "accepted", "expired", "revoked"]},
          "createdAt": {"type": "string", "format": "date-time"}, "expiresAt": {"type": "string", "format": "date-time"},
          "url": {"type": "string", "description": "The invitation link; only in the response that created it"}}},
      "InvitationList": {"type": "object", "required": ["invitations"],
                         "properties": {"invitations": {"type": "array", "items": ref("Invitation")}}},
      "Conversation": {"type": "object", "required": ["id", "kind", "title", "icon", "tags", "lastActivityAt"],
                       "properties": {
          "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["secure", "clinic", "group"]},
          "title": {"type": "string"}, "icon": {"type": "string", "enum": ["patient", "briefcase", "group"]},
          "tags": {"type": "array", "items": {"type": "string"}},
          "lastActivityAt": {"type": "string", "format": "date-time"}, "lastMessage": {"type": "string"}}},
      "ConversationList": {"type": "object", "required": ["conversations"], "properties": {
          "conversations": {"type": "array", "items": ref("Conversation")}, "nextCursor": {"type": "string"}}},
      "ResolveRequest": {"type": "object", "required": ["text"], "properties": {
          "text": {"type": "string", "maxLength": 2048, "description": "What was scanned or typed"}}},
      "QRColors": {"type": "object", "required": ["foreground", "background"],
                   "description": "Dark modules on a light background, contrast at least 4.5:1 (WCAG 2)",
                   "properties": {
          "foreground": {"type": "string", "maxLength": 7, "description": "#rrggbb (the # may be left out)"},
          "background": {"type": "string", "maxLength": 7, "description": "#rrggbb (the # may be left out)"}}},
      "MintLinkRequest": {"type": "object", "description": "Absent and null fields mean the same.", "properties": {
          "label": {"type": ["string", "null"], "maxLength": 200},
          "tags": {"type": ["array", "null"], "items": {"type": "string"},
                   "description": "1 to 40 characters of a-z, 0-9, - and _ each, case-folded"},
          "code": {"type": ["string", "null"],
                   "description": "A chosen code (vanity or numeric); random digits when absent"}}},
      "CreateInvitationRequest": {"type": "object", "required": ["code"],
                                  "description": "Needs an email address or a phone number; absent and null fields mean the same.",
                                  "anyOf": [{"required": ["email"], "properties": {"email": {"type": "string"}}},
                                            {"required": ["phone"], "properties": {"phone": {"type": "string"}}}],
                                  "properties": {
          "code": {"type": "string", "description": "One of the organization's active links"},
          "name": {"type": ["string", "null"], "maxLength": 120},
          "email": {"type": ["string", "null"], "maxLength": 254},
          "phone": {"type": ["string", "null"], "maxLength": 32},
          "expiresInDays": {"type": ["integer", "null"], "minimum": 1, "maximum": 365}}},
      "ClaimRequest": {"type": "object", "description": "Exactly one of token and code.", "properties": {
          "token": {"type": ["string", "null"], "description": "The handoff token (install referrer, universal link)"},
          "code": {"type": ["string", "null"], "description": "The connect code a person typed, e.g. K7QX-M4PT"}}},
      "Claim": {"type": "object", "required": ["code", "url", "profile", "continuation", "invitation"], "properties": {
          "code": {"type": "string"}, "url": {"type": "string"}, "profile": ref("Profile"),
          "continuation": {"type": "string", "description": "Signed, one hour, single-use: pass to /signup, /login or /connect"},
          "invitation": {"type": "boolean", "description": "Signup must use the invited email or phone"}}},
      "SignupRequest": {"type": "object", "required": ["name", "password"], "properties": {
          "name": {"type": "string"}, "email": {"type": ["string", "null"]}, "phone": {"type": ["string", "null"]},
          "password": {"type": "string"}, "continuation": {"type": ["string", "null"]},
          "device": {"type": ["string", "null"],
                     "description": "What the app calls this device, for the sessions list; used when the signup is "
                                    "verified at once (200), otherwise give it to /signup/verify"}}},
      "SignupStarted": {"type": "object", "required": ["ticket", "sentTo"],
                        "description": "A code was sent to `sentTo` (or, when that address already has an account, "
                                       "its owner was told someone tried to sign up): the same answer either way.",
                        "properties": {
          "ticket": {"type": "string", "description": "Secret; names this signup in /signup/verify and /signup/resend"},
          "sentTo": {"type": "string", "description": "The email or the phone number (E.164) the code went to"}}},
      "VerifyRequest": {"type": "object", "required": ["ticket", "code"], "properties": {
          "ticket": {"type": "string", "maxLength": 64}, "code": {"type": "string", "description": "The 6 digits sent"},
          "device": {"type": ["string", "null"], "description": "What the app calls this device, for the sessions list"}}},
      "ResendRequest": {"type": "object", "required": ["ticket"], "properties": {
          "ticket": {"type": "string", "maxLength": 64}}},
      "LoginRequest": {"type": "object", "required": ["login", "password"], "properties": {
          "login": {"type": "string", "description": "Email or phone"}, "password": {"type": "string"},
          "continuation": {"type": ["string", "null"]}, "device": {"type": ["string", "null"]}}},
      "Outcome": {"type": "object", "required": ["result"], "properties": {
          "result": {"type": "string", "enum": ["connected", "own_practice", "declined"]},
          "conversationId": {"type": "integer"}, "isNew": {"type": "boolean"}}},
      "AppSession": {"type": "object", "required": ["token", "sessionId", "patient"], "properties": {
          "token": {"type": "string", "description": "The bearer token, shown once"},
          "sessionId": {"type": "integer"},
          "patient": {"type": "object", "required": ["id", "name"],
                      "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
          "outcome": ref("Outcome")}},
      "SessionList": {"type": "object", "required": ["sessions"], "properties": {"sessions": {"type": "array", "items": {
          "type": "object", "required": ["id", "device", "createdAt", "lastUsedAt", "current"], "properties": {
              "id": {"type": "integer"}, "device": {"type": "string"},
              "createdAt": {"type": "string", "format": "date-time"},
              "lastUsedAt": {"type": "string", "format": "date-time"}, "current": {"type": "boolean"}}}}}},
      "ConnectRequest": {"type": "object", "description": "Exactly one of continuation and link.", "properties": {
          "continuation": {"type": ["string", "null"]}, "link": {"type": ["string", "null"]}}},
      "Message": {"type": "object", "required": ["id", "author", "fromPractice", "body", "createdAt"], "properties": {
          "id": {"type": "integer"}, "author": {"type": "string"}, "fromPractice": {"type": "boolean"},
          "body": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}}},
      "MessagePage": {"type": "object", "required": ["conversation", "messages"], "properties": {
          "conversation": ref("Conversation"), "messages": {"type": "array", "items": ref("Message")},
          "earlierCursor": {"type": "integer"}}},
      "SendRequest": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}},
    },
  },
  "paths": {
    "/api/v1/links/{code}": {"get": {
        "operationId": "resolveLink", "summary": "The public profile a practice link leads to (no key needed)",
        "parameters": [code_param],
        "responses": {"200": ok("The link is active", ref("ResolvedLink")),
                      "404": problem("No practice uses this code"),
                      "410": problem("The link is no longer active")}}},
    "/api/v1/resolve": {"post": {
        "operationId": "resolveText", "summary": "Read scanned text and say what it leads to (no key needed)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ResolveRequest")}}},
        "responses": {"200": ok("The text is a Spruce link; `outcome` says what it leads to", ref("Resolved")),
                      **json_body_errors}}},
    "/api/v1/organization": {"get": {
        "operationId": "getOrganization", "summary": "The key's organization", "security": bearer,
        "responses": {"200": ok("The organization", ref("Organization")), "401": unauthorized}}},
    "/api/v1/links": {
        "get": {"operationId": "listLinks", "summary": "The organization's links", "security": bearer,
                "responses": {"200": ok("Primary link first, then oldest first", ref("LinkList")), "401": unauthorized}},
        "post": {"operationId": "mintLink", "summary": "Mint a link", "security": bearer,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("MintLinkRequest")}}},
                 "responses": {"201": ok("The new link", ref("Link")), "401": unauthorized,
                               "409": problem("The chosen code is taken (codes are never reissued)"),
                               **json_body_errors}}},
    "/api/v1/links/{code}/disable": {"post": {
        "operationId": "disableLink", "summary": "Disable one of the organization's links for good", "security": bearer,
        "parameters": [code_param],
        "responses": {"200": ok("The link, now disabled", ref("Link")), "401": unauthorized,
                      "404": problem("No link of this organization has this code")}}},
    "/api/v1/links/{code}/qr-colors": {"post": {
        "operationId": "setQRColors", "summary": "Set the colors of the link's QR code", "security": bearer,
        "parameters": [code_param],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("QRColors")}}},
        "responses": {"200": ok("The link, with its new colors", ref("Link")), "401": unauthorized,
                      "404": problem("No link of this organization has this code"), **json_body_errors}}},
    "/api/v1/invitations": {
        "get": {"operationId": "listInvitations", "summary": "The organization's invitations, newest first",
                "security": bearer,
                "responses": {"200": ok("Invitations (their tokens are never shown again)", ref("InvitationList")),
                              "401": unauthorized}},
        "post": {"operationId": "createInvitation", "summary": "Create a private invitation link", "security": bearer,
                 "requestBody": {"required": True,
                                 "content": {"application/json": {"schema": ref("CreateInvitationRequest")}}},
                 "description": "Goes through the same invitation rules as the command line: the recipient is "
                                "validated (email, phone, name), an address that opted out is never invited, and a "
                                "recipient with a still-valid invitation to this practice is not invited again.",
                 "responses": {"201": ok("The invitation, with its link (shown once)", ref("Invitation")),
                               "401": unauthorized,
                               "409": problem("The recipient already holds a still-valid invitation to this practice "
                                              "(`field` is `recipient`)"),
                               **json_body_errors,
                               "422": problem("A field breaks a rule; `field` and `rule` name them: an invalid "
                                              "`email`, `phone` or `name`, an `email` or `phone` that opted out of "
                                              "invitations, `code` not a link of this organization, or "
                                              "`expiresInDays` out of 1 to 365")}}},
    "/api/v1/conversations": {"get": {
        "operationId": "listConversations", "summary": "The organization's conversations, newest activity first",
        "security": bearer,
        "parameters": [
            {"name": "filter", "in": "query", "schema": {"type": "string", "enum": ["all", "clinics"]}},
            {"name": "after", "in": "query", "description": "`nextCursor` of the previous page",
             "schema": {"type": "string", "pattern": "^a[0-9]{1,18}$"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
        "responses": {"200": ok("One page", ref("ConversationList")),
                      "400": problem("A query parameter breaks a rule; `field` and `rule` name it"),
                      "401": unauthorized}}},
  },
}


app_token = [{"appToken": []}]
no_app_token = problem("No app token, or an unknown or revoked one")
limited = {"429": problem("Too many requests from this client (or, for claims, failed claims on the service)")}
conversation_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
json_in = lambda name: {"required": True, "content": {"application/json": {"schema": ref(name)}}}
gone = {"404": problem("The link or invitation is unknown"),
        "410": problem("The link was disabled, or the invitation expired, was accepted or revoked")}
doc["paths"].update({
    "/api/app/v1/handoffs/claim": {"post": {
        "operationId": "claimHandoff", "summary": "Claim a handoff by token or connect code (once)",
        "requestBody": json_in("ClaimRequest"),
        "responses": {"200": ok("The practice and the signup continuation", ref("Claim")),
                      "404": problem("No handoff has this token or code (`handoff-unknown`)"),
                      "409": problem("Already claimed (`handoff-claimed`)"),
                      "410": problem("Expired (`handoff-expired`), or its link no longer works"),
                      **json_body_errors, **limited}}},
    "/api/app/v1/signup": {"post": {
        "operationId": "appSignup",
        "summary": "Start a patient signup (as the web signup): a code goes to the email or phone",
        "description": "202 with a ticket in every ordinary case, whether or not the address already has an "
                       "account; finish with /signup/verify. A continuation from an invitation sent to this very "
                       "address proves it: the account is created verified and 200 answers with the token.",
        "requestBody": json_in("SignupRequest"),
        "responses": {"202": ok("A code was sent; verify it with the ticket", ref("SignupStarted")),
                      "200": ok("Invited address, verified at once: the token and the connect's outcome",
                                ref("AppSession")),
                      **json_body_errors,
                      "400": problem("The body is not JSON, or the continuation is tampered, expired or spent"),
                      **gone, **limited}}},
    "/api/app/v1/signup/verify": {"post": {
        "operationId": "appVerifySignup", "summary": "Finish a signup with the code sent, and get a token",
        "requestBody": json_in("VerifyRequest"),
        "responses": {"200": ok("The token; with a continuation, the connect's outcome", ref("AppSession")),
                      **json_body_errors,
                      "422": problem("A field breaks a rule, or the code is wrong (`code-wrong`, tries left in "
                                     "`detail`)"),
                      "404": problem("No signup is pending under this ticket: used, replaced or never issued "
                                     "(`ticket-unknown`)"),
                      "410": problem("The code expired (`code-expired`) or was entered wrong 5 times "
                                     "(`code-too-many-tries`); ask for a new one"),
                      **limited}}},
    "/api/app/v1/signup/resend": {"post": {
        "operationId": "appResendSignupCode", "summary": "Send a new code for a pending signup",
        "requestBody": json_in("ResendRequest"),
        "responses": {"202": ok("A new code was sent; the old one no longer works", ref("SignupStarted")),
                      **json_body_errors,
                      "404": problem("No signup is pending under this ticket (`ticket-unknown`)"),
                      "429": problem("Too many requests from this client, new codes for this signup, or codes "
                                     "to this address")}}},
    "/api/app/v1/login": {"post": {
        "operationId": "appLogin", "summary": "Log in as a patient and get a token",
        "requestBody": json_in("LoginRequest"),
        "responses": {"200": ok("The token; with a continuation, the connect's outcome", ref("AppSession")),
                      **json_body_errors,
                      "400": problem("The body is not JSON, or the continuation is tampered, expired or spent"),
                      "401": problem("Wrong login or password"),
                      "403": problem("The account is a practice member's, not a patient's"), **gone, **limited}}},
    "/api/app/v1/logout": {"post": {
        "operationId": "appLogout", "summary": "Revoke this token", "security": app_token,
        "responses": {"204": {"description": "Revoked"}, "401": no_app_token, **limited}}},
    "/api/app/v1/sessions": {"get": {
        "operationId": "appSessions", "summary": "The patient's app sessions", "security": app_token,
        "responses": {"200": ok("Live sessions, newest first", ref("SessionList")), "401": no_app_token,
                      **limited}}},
    "/api/app/v1/sessions/{id}/revoke": {"post": {
        "operationId": "revokeAppSession", "summary": "Sign one of the patient's devices out", "security": app_token,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"204": {"description": "Revoked"}, "400": problem("The id is not a number"),
                      "401": no_app_token, "404": problem("No live session of this patient has this id"),
                      **limited}}},
    "/api/app/v1/connect": {"post": {
        "operationId": "appConnect", "summary": "Connect with a practice by continuation or link",
        "security": app_token, "requestBody": json_in("ConnectRequest"),
        "responses": {"200": ok("Connected (isNew false when already connected)", ref("Outcome")),
                      "401": no_app_token, **json_body_errors,
                      "400": problem("The body is not JSON, or the continuation is tampered, expired or spent"),
                      **gone, **limited}}},
    "/api/app/v1/conversations": {"get": {
        "operationId": "appConversations", "summary": "The patient's conversations, newest activity first",
        "security": app_token,
        "parameters": [
            {"name": "after", "in": "query", "description": "`nextCursor` of the previous page",
             "schema": {"type": "string", "pattern": "^[0-9]{1,7}$"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
        "responses": {"200": ok("One page", ref("ConversationList")),
                      "400": problem("A query parameter breaks a rule"), "401": no_app_token, **limited}}},
    "/api/app/v1/conversations/{id}/messages": {
        "get": {"operationId": "appMessages", "summary": "A page of a conversation's messages, oldest first",
                "security": app_token,
                "parameters": [conversation_id,
                               {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                "responses": {"200": ok("The newest page, or the one before `before`", ref("MessagePage")),
                              "400": problem("A query parameter breaks a rule"), "401": no_app_token,
                              "404": problem("No conversation of this patient has this id"), **limited}},
        "post": {"operationId": "appSendMessage", "summary": "Send a message", "security": app_token,
                 "parameters": [conversation_id], "requestBody": json_in("SendRequest"),
                 "responses": {"201": ok("The message", ref("Message")), "401": no_app_token,
                               "404": problem("No conversation of this patient has this id"),
                               **json_body_errors, **limited}}},
})

# Added to the JSON by the funnel (stats) and workspace (roles) branches; kept here so regenerating keeps them.
doc["components"]["schemas"].update({'FunnelCounts': {'type': 'object',
                  'description': "Counts per funnel event; unique_visitors is the sum of each day's HyperLogLog "
                                 'estimate',
                  'required': ['scan',
                               'visit',
                               'connect_click',
                               'signup_started',
                               'signup_completed',
                               'conversation_patient',
                               'conversation_clinic',
                               'invitation_sent',
                               'invitation_opened',
                               'invitation_accepted',
                               'preview',
                               'unique_visitors'],
                  'properties': {'scan': {'type': 'integer', 'minimum': 0},
                                 'visit': {'type': 'integer', 'minimum': 0},
                                 'connect_click': {'type': 'integer', 'minimum': 0},
                                 'signup_started': {'type': 'integer', 'minimum': 0},
                                 'signup_completed': {'type': 'integer', 'minimum': 0},
                                 'conversation_patient': {'type': 'integer', 'minimum': 0},
                                 'conversation_clinic': {'type': 'integer', 'minimum': 0},
                                 'invitation_sent': {'type': 'integer', 'minimum': 0},
                                 'invitation_opened': {'type': 'integer', 'minimum': 0},
                                 'invitation_accepted': {'type': 'integer', 'minimum': 0},
                                 'preview': {'type': 'integer', 'minimum': 0},
                                 'unique_visitors': {'type': 'integer', 'minimum': 0}}},
 'LinkStats': {'type': 'object',
               'required': ['code', 'timeZone', 'from', 'to', 'by', 'periods', 'totals'],
               'properties': {'code': {'type': 'string'},
                              'timeZone': {'type': 'string',
                                           'description': "The organization's IANA time zone; days are counted in "
                                                          'it'},
                              'from': {'type': 'string', 'format': 'date'},
                              'to': {'type': 'string', 'format': 'date'},
                              'by': {'type': 'string', 'enum': ['day', 'week', 'month']},
                              'periods': {'type': 'array',
                                          'items': {'type': 'object',
                                                    'required': ['start', 'counts'],
                                                    'properties': {'start': {'type': 'string', 'format': 'date'},
                                                                   'counts': {'$ref': '#/components/schemas/FunnelCounts'}}}},
                              'totals': {'$ref': '#/components/schemas/FunnelCounts'}}},
 'TagStats': {'type': 'object',
              'required': ['organizationId', 'from', 'to', 'tags'],
              'properties': {'organizationId': {'type': 'integer'},
                             'from': {'type': 'string', 'format': 'date'},
                             'to': {'type': 'string', 'format': 'date'},
                             'tags': {'type': 'array',
                                      'items': {'type': 'object',
                                                'required': ['tag', 'links', 'counts'],
                                                'properties': {'tag': {'type': ['string', 'null'],
                                                                       'description': 'null for links without a '
                                                                                      'tag'},
                                                               'links': {'type': 'integer', 'minimum': 0},
                                                               'counts': {'$ref': '#/components/schemas/FunnelCounts'}}}}}}})
doc["paths"].update({'/api/v1/links/{code}/stats': {'get': {'operationId': 'linkStats',
                                        'summary': "One of the organization's links' funnel per day, week or month",
                                        'security': [{'apiKey': []}],
                                        'parameters': [{'name': 'code',
                                                        'in': 'path',
                                                        'required': True,
                                                        'description': 'A practice link code, any case',
                                                        'schema': {'type': 'string',
                                                                   'minLength': 1,
                                                                   'maxLength': 64}},
                                                       {'name': 'from',
                                                        'in': 'query',
                                                        'required': False,
                                                        'description': 'First day, YYYY-MM-DD in the '
                                                                       "organization's time zone (default: 29 days "
                                                                       'before to)',
                                                        'schema': {'type': 'string',
                                                                   'pattern': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}},
                                                       {'name': 'to',
                                                        'in': 'query',
                                                        'required': False,
                                                        'description': 'Last day, YYYY-MM-DD (default: today in '
                                                                       "the organization's time zone); at most "
                                                                       '3700 days after from',
                                                        'schema': {'type': 'string',
                                                                   'pattern': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}},
                                                       {'name': 'by',
                                                        'in': 'query',
                                                        'required': False,
                                                        'description': 'Grouping (default day)',
                                                        'schema': {'type': 'string',
                                                                   'enum': ['day', 'week', 'month']}}],
                                        'responses': {'200': {'description': 'The funnel, zero-filled, oldest '
                                                                             'period first',
                                                              'content': {'application/json': {'schema': {'$ref': '#/components/schemas/LinkStats'}}}},
                                                      '400': {'description': 'A date or grouping that breaks its '
                                                                             'rule (the problem names the field)',
                                                              'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}},
                                                      '401': {'description': 'No API key, or an unknown or revoked '
                                                                             'one',
                                                              'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}},
                                                      '404': {'description': 'No link of this organization has '
                                                                             'this code',
                                                              'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}}}}},
 '/api/v1/stats': {'get': {'operationId': 'tagStats',
                           'summary': "The organization's funnel totals per tag",
                           'security': [{'apiKey': []}],
                           'parameters': [{'name': 'tag',
                                           'in': 'query',
                                           'required': False,
                                           'description': 'Only this tag (a-z, 0-9, - and _)',
                                           'schema': {'type': 'string', 'maxLength': 64}},
                                          {'name': 'from',
                                           'in': 'query',
                                           'required': False,
                                           'description': "First day, YYYY-MM-DD in the organization's time zone "
                                                          '(default: 29 days before to)',
                                           'schema': {'type': 'string', 'pattern': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}},
                                          {'name': 'to',
                                           'in': 'query',
                                           'required': False,
                                           'description': 'Last day, YYYY-MM-DD (default: today in the '
                                                          "organization's time zone); at most 3700 days after from",
                                           'schema': {'type': 'string',
                                                      'pattern': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'}}],
                           'responses': {'200': {'description': 'Totals per tag, sorted by tag, links without a '
                                                                'tag last',
                                                 'content': {'application/json': {'schema': {'$ref': '#/components/schemas/TagStats'}}}},
                                         '400': {'description': 'A tag or date that breaks its rule (the problem '
                                                                'names the field)',
                                                 'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}},
                                         '401': {'description': 'No API key, or an unknown or revoked one',
                                                 'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}}}}}})
staff_refused = {'content': {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}},
 'description': 'The API key is a staff key: minting, disabling links and QR colors are admin actions'}
for path in ["/api/v1/links", "/api/v1/links/{code}/disable", "/api/v1/links/{code}/qr-colors"]:
    doc["paths"][path]["post"]["responses"]["403"] = staff_refused

out = os.path.join(os.path.dirname(__file__), "..", "Sources", "SpruceServer", "Templates", "openapi.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=2, sort_keys=False, ensure_ascii=False)
    f.write("\n")
