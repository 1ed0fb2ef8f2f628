package services

// Reason is the stable, machine-readable name of one situation the API
// refuses a request in ("custody_no_grant"), sent to clients as
// error.reason next to the broader Code. The web app shows its own
// translated sentence for each reason and never the English Message
// (docs/api.md, "Errors"). Every reason has exactly one Code
// (reasonCodes); Errorf and Wrap take a Reason, so an error cannot be made
// without one. A test lists every reason and keeps
// frontend/src/locales/apiReasons.json in step; the web app's tests require
// a Vietnamese and an English text for each.
type Reason string

// The reasons. One per situation the user must understand, not one per call.
const (
	// Generic reasons, one per Code, for failures the user can only retry
	// or report.
	ReasonInternal    Reason = "internal"
	ReasonUnavailable Reason = "unavailable"
	ReasonNotFound    Reason = "not_found"
	ReasonExists      Reason = "already_exists"
	ReasonCancelled   Reason = "request_cancelled"

	// Requests the portal cannot read.
	ReasonMalformed       Reason = "request_malformed"
	ReasonWrongType       Reason = "wrong_content_type"
	ReasonTooLarge        Reason = "request_too_large"
	ReasonFieldsInvalid   Reason = "fields_invalid"
	ReasonCursorInvalid   Reason = "cursor_invalid"
	ReasonCrossSite       Reason = "cross_site_refused"
	ReasonTooManyRequests Reason = "too_many_requests"
	ReasonPortalBusy      Reason = "portal_busy"
	ReasonNetworkBusy     Reason = "network_busy"
	ReasonPowStale        Reason = "browser_check_stale"
	ReasonNotConfigured   Reason = "not_configured"

	// Concurrency.
	ReasonChangedElsewhere Reason = "changed_elsewhere"
	ReasonBusyRetry        Reason = "busy_retry"
	ReasonIdemKeyMalformed Reason = "idempotency_key_malformed"
	ReasonIdemMismatch     Reason = "idempotency_mismatch"
	ReasonIdemBusy         Reason = "idempotency_busy"

	// Staff sign-in, sessions, passwords and second factors.
	ReasonSignInFirst       Reason = "sign_in_first"
	ReasonLoginWrong        Reason = "login_wrong"
	ReasonSessionEnded      Reason = "session_ended"
	ReasonTOTPRequired      Reason = "totp_required"
	ReasonTOTPWrong         Reason = "totp_wrong"
	ReasonTOTPEnrolled      Reason = "totp_already_enrolled"
	ReasonTOTPNotStarted    Reason = "totp_enrol_not_started"
	ReasonTOTPCodeWrong     Reason = "totp_code_wrong"
	ReasonPasswordWrong     Reason = "password_wrong"
	ReasonPasswordWeak      Reason = "password_weak"
	ReasonPasswordSame      Reason = "password_same"
	ReasonPasswordChange    Reason = "password_change_required"
	ReasonEmailTaken        Reason = "email_taken"
	ReasonOwnRoleOrUnit     Reason = "own_role_or_unit"
	ReasonAdminNoUnitRole   Reason = "admin_no_unit_role"
	ReasonOwnSecondFactor   Reason = "own_second_factor"
	ReasonAccountNotFound   Reason = "account_not_found"
	ReasonAdminOnly         Reason = "admin_only"
	ReasonAdminNoCasework   Reason = "admin_no_casework"
	ReasonStaffingForbidden Reason = "staffing_forbidden"
	ReasonStatsOutOfScope   Reason = "stats_out_of_scope"
	ReasonOnBehalfForbidden Reason = "on_behalf_forbidden"
	// The public log's witnesses.
	ReasonLogWitnessUnknown     Reason = "log_witness_unknown"
	ReasonLogCosignatureInvalid Reason = "log_cosignature_invalid"
	ReasonSavedNotAudited       Reason = "saved_not_audited"
	ReasonSavedNotAnnounced     Reason = "saved_not_announced"

	// Citizens: tracking, evidence, withdrawal, appeal, proofs.
	ReasonTrackSignIn        Reason = "track_sign_in"
	ReasonTrackPairWrong     Reason = "track_pair_wrong"
	ReasonTooManyAttempts    Reason = "too_many_attempts"
	ReasonReportFull         Reason = "report_full"
	ReasonFilesRequired      Reason = "files_required"
	ReasonFilesNotAccepted   Reason = "files_not_accepted"
	ReasonFileTooMany        Reason = "file_too_many"
	ReasonFilesTooLarge      Reason = "files_too_large"
	ReasonFileTooLarge       Reason = "file_too_large"
	ReasonFileEmpty          Reason = "file_empty"
	ReasonFileTooManyPixels  Reason = "image_too_many_pixels"
	ReasonFileActivePDF      Reason = "pdf_active_content"
	ReasonFileType           Reason = "file_type_unsupported"
	ReasonUploadInterrupted  Reason = "upload_interrupted"
	ReasonWithdrawTooLate    Reason = "withdraw_too_late"
	ReasonReportClosed       Reason = "report_closed"
	ReasonAppealNotAllowed   Reason = "appeal_not_allowed"
	ReasonAppealIdentityGone Reason = "appeal_identity_gone"
	ReasonAppealSettling     Reason = "appeal_settling"
	ReasonProofUnavailable   Reason = "proof_unavailable"
	ReasonProofInvalid       Reason = "proof_invalid"

	// Reports and their handling.
	ReasonReportNotFound          Reason = "report_not_found"
	ReasonHandlingUnitOnly        Reason = "handling_unit_only"
	ReasonLeadOnlyReroute         Reason = "lead_only_reroute"
	ReasonLeadOnlyPublish         Reason = "lead_only_publish"
	ReasonLeadOnlyExtension       Reason = "lead_only_extension"
	ReasonAssignClosed            Reason = "assign_closed"
	ReasonAssigneeInvalid         Reason = "assignee_invalid"
	ReasonRerouteClosed           Reason = "reroute_closed"
	ReasonProposeNotInvestigating Reason = "propose_not_investigating"
	ReasonPublishNotConcluded     Reason = "publish_not_concluded"
	ReasonSummaryPublished        Reason = "summary_published"
	ReasonSummaryRequired         Reason = "summary_required"
	ReasonSummaryPersonal         Reason = "summary_personal_data"
	ReasonStatusRole              Reason = "status_role_forbidden"
	ReasonStatusMove              Reason = "status_move_not_allowed"
	ReasonExtensionNotFound       Reason = "extension_not_found"
	ReasonExtensionDecided        Reason = "extension_decided"
	ReasonExtensionNotResolving   Reason = "extension_not_resolving"
	ReasonExtensionNotAllowed     Reason = "extension_not_allowed"
	ReasonExtensionLimit          Reason = "extension_limit"
	ReasonMonitorOnly             Reason = "monitor_only"
	ReasonRecommendationNotFound  Reason = "recommendation_not_found"
	ReasonRecommendationAnswered  Reason = "recommendation_answered"

	// Files of a report.
	ReasonFileNotFound       Reason = "file_not_found"
	ReasonFileQuarantined    Reason = "file_quarantined"
	ReasonFileMissing        Reason = "file_missing"
	ReasonFileIntegrity      Reason = "file_integrity_failed"
	ReasonStorageUnavailable Reason = "storage_unavailable"
	ReasonOriginalNeedsGrant Reason = "original_needs_custody"
	ReasonOriginalUnitOnly   Reason = "original_unit_only"

	// Identity custody.
	ReasonIdentityInspectorsOnly  Reason = "identity_inspectors_only"
	ReasonAnonymousNoIdentity     Reason = "anonymous_no_identity"
	ReasonCustodyUnavailable      Reason = "custody_unavailable"
	ReasonCustodyUnitsOnly        Reason = "custody_units_only"
	ReasonCustodyNoGrant          Reason = "custody_no_grant"
	ReasonCustodyNotFound         Reason = "custody_request_not_found"
	ReasonCustodyDecided          Reason = "custody_decided"
	ReasonCustodyLeadOnly         Reason = "custody_lead_only"
	ReasonCustodyOtherLead        Reason = "custody_other_lead"
	ReasonOriginalsPending        Reason = "originals_request_pending"
	ReasonOriginalsInspectorsOnly Reason = "originals_inspectors_only"
	ReasonOriginalsNoFile         Reason = "originals_no_file"
	ReasonOriginalsHeld           Reason = "originals_already_held"
	ReasonIdentityHolderOnly      Reason = "identity_holder_only"
	ReasonIdentityGone            Reason = "identity_gone"
	// Who in a custody fails its conditions: the actor, the requester, or
	// the lead who approved the grant.
	ReasonCustodySelfGone           Reason = "custody_self_gone"
	ReasonCustodySelfNotInUnit      Reason = "custody_self_not_in_unit"
	ReasonCustodySelfCooling        Reason = "custody_self_cooling"
	ReasonCustodySelfNo2FA          Reason = "custody_self_no_second_factor"
	ReasonCustodyRequesterGone      Reason = "custody_requester_gone"
	ReasonCustodyRequesterNotInUnit Reason = "custody_requester_not_in_unit"
	ReasonCustodyRequesterCooling   Reason = "custody_requester_cooling"
	ReasonCustodyRequesterNo2FA     Reason = "custody_requester_no_second_factor"
	ReasonCustodyApproverGone       Reason = "custody_approver_gone"
	ReasonCustodyApproverNotInUnit  Reason = "custody_approver_not_in_unit"
	ReasonCustodyApproverCooling    Reason = "custody_approver_cooling"
	ReasonCustodyApproverNo2FA      Reason = "custody_approver_no_second_factor"

	// Administration and the audit trail.
	ReasonCategoryNotFound    Reason = "category_not_found"
	ReasonAreaNotFound        Reason = "area_not_found"
	ReasonAreaHasCommunes     Reason = "area_province_has_communes"
	ReasonUnitCodeTaken       Reason = "unit_code_taken"
	ReasonUnitStillRouted     Reason = "unit_still_routed"
	ReasonRoutingRuleNotFound Reason = "routing_rule_not_found"
	ReasonHolidayExists       Reason = "holiday_exists"
	ReasonHolidayNotFound     Reason = "holiday_not_found"
	ReasonReportKindNotFound  Reason = "report_kind_not_found"
	ReasonTooManyChains       Reason = "audit_too_many_chains"
	ReasonAuditTooLong        Reason = "audit_too_long"

	// Open311 clients and their API keys (docs/intake.md, "Open311").
	ReasonAPIKeyInvalid     Reason = "api_key_invalid"
	ReasonAPIKeyRateLimited Reason = "api_key_rate_limited"
	ReasonAPIKeyNotFound    Reason = "api_key_not_found"
	ReasonServiceNotFound   Reason = "open311_service_not_found"
	ReasonRequestNotFound   Reason = "open311_request_not_found"
)

// reasonCodes gives every reason its one Code (and so its HTTP status).
var reasonCodes = map[Reason]Code{
	ReasonInternal:    CodeInternal,
	ReasonUnavailable: CodeUnavailable,
	ReasonNotFound:    CodeNotFound,
	ReasonExists:      CodeConflict,
	ReasonCancelled:   CodeUnavailable,

	ReasonMalformed:       CodeInvalid,
	ReasonWrongType:       CodeUnsupported,
	ReasonTooLarge:        CodeTooLarge,
	ReasonFieldsInvalid:   CodeInvalid,
	ReasonCursorInvalid:   CodeInvalid,
	ReasonCrossSite:       CodeForbidden,
	ReasonTooManyRequests: CodeRateLimited,
	ReasonPortalBusy:      CodeUnavailable,
	ReasonNetworkBusy:     CodeUnavailable,
	ReasonPowStale:        CodeInvalid,
	ReasonNotConfigured:   CodeUnavailable,

	ReasonChangedElsewhere: CodeConflict,
	ReasonBusyRetry:        CodeConflict,
	ReasonIdemKeyMalformed: CodeInvalid,
	ReasonIdemMismatch:     CodeMismatch,
	ReasonIdemBusy:         CodeConflict,

	ReasonSignInFirst:           CodeUnauthorized,
	ReasonLoginWrong:            CodeUnauthorized,
	ReasonSessionEnded:          CodeUnauthorized,
	ReasonTOTPRequired:          CodeUnauthorized,
	ReasonTOTPWrong:             CodeUnauthorized,
	ReasonTOTPEnrolled:          CodeConflict,
	ReasonTOTPNotStarted:        CodeConflict,
	ReasonTOTPCodeWrong:         CodeInvalid,
	ReasonPasswordWrong:         CodeInvalid,
	ReasonPasswordWeak:          CodeInvalid,
	ReasonPasswordSame:          CodeInvalid,
	ReasonPasswordChange:        CodeForbidden,
	ReasonEmailTaken:            CodeConflict,
	ReasonOwnRoleOrUnit:         CodeForbidden,
	ReasonAdminNoUnitRole:       CodeForbidden,
	ReasonOwnSecondFactor:       CodeForbidden,
	ReasonAccountNotFound:       CodeNotFound,
	ReasonAdminOnly:             CodeForbidden,
	ReasonAdminNoCasework:       CodeForbidden,
	ReasonStaffingForbidden:     CodeForbidden,
	ReasonStatsOutOfScope:       CodeForbidden,
	ReasonOnBehalfForbidden:     CodeForbidden,
	ReasonLogWitnessUnknown:     CodeForbidden,
	ReasonLogCosignatureInvalid: CodeInvalid,
	ReasonSavedNotAudited:       CodeInternal,
	ReasonSavedNotAnnounced:     CodeInternal,

	ReasonTrackSignIn:        CodeUnauthorized,
	ReasonTrackPairWrong:     CodeUnauthorized,
	ReasonTooManyAttempts:    CodeRateLimited,
	ReasonReportFull:         CodeTooLarge,
	ReasonFilesRequired:      CodeInvalid,
	ReasonFilesNotAccepted:   CodeUnsupported,
	ReasonFileTooMany:        CodeTooLarge,
	ReasonFilesTooLarge:      CodeTooLarge,
	ReasonFileTooLarge:       CodeTooLarge,
	ReasonFileEmpty:          CodeInvalid,
	ReasonFileTooManyPixels:  CodeUnsupported,
	ReasonFileActivePDF:      CodeUnsupported,
	ReasonFileType:           CodeUnsupported,
	ReasonUploadInterrupted:  CodeInvalid,
	ReasonWithdrawTooLate:    CodeConflict,
	ReasonReportClosed:       CodeConflict,
	ReasonAppealNotAllowed:   CodeConflict,
	ReasonAppealIdentityGone: CodeConflict,
	ReasonAppealSettling:     CodeUnavailable,
	ReasonProofUnavailable:   CodeUnavailable,
	ReasonProofInvalid:       CodeInvalid,

	ReasonReportNotFound:          CodeNotFound,
	ReasonHandlingUnitOnly:        CodeForbidden,
	ReasonLeadOnlyReroute:         CodeForbidden,
	ReasonLeadOnlyPublish:         CodeForbidden,
	ReasonLeadOnlyExtension:       CodeForbidden,
	ReasonAssignClosed:            CodeConflict,
	ReasonAssigneeInvalid:         CodeInvalid,
	ReasonRerouteClosed:           CodeConflict,
	ReasonProposeNotInvestigating: CodeConflict,
	ReasonPublishNotConcluded:     CodeConflict,
	ReasonSummaryPublished:        CodeConflict,
	ReasonSummaryRequired:         CodeInvalid,
	ReasonSummaryPersonal:         CodeInvalid,
	ReasonStatusRole:              CodeForbidden,
	ReasonStatusMove:              CodeConflict,
	ReasonExtensionNotFound:       CodeNotFound,
	ReasonExtensionDecided:        CodeConflict,
	ReasonExtensionNotResolving:   CodeConflict,
	ReasonExtensionNotAllowed:     CodeConflict,
	ReasonExtensionLimit:          CodeConflict,
	ReasonMonitorOnly:             CodeForbidden,
	ReasonRecommendationNotFound:  CodeNotFound,
	ReasonRecommendationAnswered:  CodeConflict,

	ReasonFileNotFound:       CodeNotFound,
	ReasonFileQuarantined:    CodeForbidden,
	ReasonFileMissing:        CodeInternal,
	ReasonFileIntegrity:      CodeInternal,
	ReasonStorageUnavailable: CodeUnavailable,
	ReasonOriginalNeedsGrant: CodeConflict,
	ReasonOriginalUnitOnly:   CodeForbidden,

	ReasonIdentityInspectorsOnly:    CodeForbidden,
	ReasonAnonymousNoIdentity:       CodeConflict,
	ReasonCustodyUnavailable:        CodeForbidden,
	ReasonCustodyUnitsOnly:          CodeForbidden,
	ReasonCustodyNoGrant:            CodeForbidden,
	ReasonCustodyNotFound:           CodeNotFound,
	ReasonCustodyDecided:            CodeConflict,
	ReasonCustodyLeadOnly:           CodeForbidden,
	ReasonOriginalsPending:          CodeConflict,
	ReasonOriginalsInspectorsOnly:   CodeForbidden,
	ReasonOriginalsNoFile:           CodeConflict,
	ReasonOriginalsHeld:             CodeConflict,
	ReasonCustodyOtherLead:          CodeForbidden,
	ReasonIdentityHolderOnly:        CodeForbidden,
	ReasonIdentityGone:              CodeNotFound,
	ReasonCustodySelfGone:           CodeForbidden,
	ReasonCustodySelfNotInUnit:      CodeForbidden,
	ReasonCustodySelfCooling:        CodeForbidden,
	ReasonCustodySelfNo2FA:          CodeForbidden,
	ReasonCustodyRequesterGone:      CodeForbidden,
	ReasonCustodyRequesterNotInUnit: CodeForbidden,
	ReasonCustodyRequesterCooling:   CodeForbidden,
	ReasonCustodyRequesterNo2FA:     CodeForbidden,
	ReasonCustodyApproverGone:       CodeForbidden,
	ReasonCustodyApproverNotInUnit:  CodeForbidden,
	ReasonCustodyApproverCooling:    CodeForbidden,
	ReasonCustodyApproverNo2FA:      CodeForbidden,

	ReasonCategoryNotFound:    CodeNotFound,
	ReasonAreaNotFound:        CodeNotFound,
	ReasonAreaHasCommunes:     CodeConflict,
	ReasonUnitCodeTaken:       CodeConflict,
	ReasonUnitStillRouted:     CodeConflict,
	ReasonRoutingRuleNotFound: CodeNotFound,
	ReasonHolidayExists:       CodeConflict,
	ReasonHolidayNotFound:     CodeNotFound,
	ReasonReportKindNotFound:  CodeNotFound,
	ReasonTooManyChains:       CodeTooLarge,
	ReasonAuditTooLong:        CodeTooLarge,

	ReasonAPIKeyInvalid:     CodeForbidden,
	ReasonAPIKeyRateLimited: CodeRateLimited,
	ReasonAPIKeyNotFound:    CodeNotFound,
	ReasonServiceNotFound:   CodeNotFound,
	ReasonRequestNotFound:   CodeNotFound,
}

// Known reports whether r is one of the reasons above.
func (r Reason) Known() bool {
	_, ok := reasonCodes[r]
	return ok
}

// Code is the one Code of r; an unknown reason is internal.
func (r Reason) Code() Code {
	if c, ok := reasonCodes[r]; ok {
		return c
	}
	return CodeInternal
}
