import pytest
import requests
from instaloader import exceptions as ie

from instagram.errors import (
    DEFAULT_RETRY_AFTER,
    SPAM_RETRY_AFTER,
    ConnectionFailed,
    InstagramError,
    InvalidUsername,
    LoginRequired,
    ProfileNotFound,
    ProfilePrivate,
    RateLimited,
    SourceUnavailable,
    from_instaloader,
)


def _chained(outer: BaseException, cause: BaseException) -> BaseException:
    """`outer` raised `from cause`, as instaloader's retry loop does."""
    try:
        raise outer from cause
    except BaseException as error:
        return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ie.ProfileNotExistsException("Profile nobody does not exist."), ProfileNotFound),
        (ie.ProfileNotExistsException("Profile x has blocked you"), ProfileNotFound),
        (ie.PrivateProfileNotFollowedException("Private but not followed."), ProfilePrivate),
        (
            ie.LoginRequiredException("Login required to access the posts of private profile x."),
            ProfilePrivate,
        ),
        (ie.LoginRequiredException("Redirected to login page. Use --login."), LoginRequired),
        (ie.BadCredentialsException("Login error: Wrong password."), LoginRequired),
        (ie.TwoFactorAuthRequiredException("2FA required"), LoginRequired),
        (ie.TooManyRequestsException("429 Too Many Requests when accessing x"), RateLimited),
        (ie.ConnectionException("429 Too Many Requests when accessing https://x/"), RateLimited),
        (
            ie.QueryReturnedBadRequestException(
                '400 Bad Request - "fail" status, message "Please wait a few minutes before '
                'you try again." when accessing https://www.instagram.com/graphql/query'
            ),
            RateLimited,
        ),
        (
            _chained(
                ie.ConnectionException("JSON Query to api/graphql: retry failed"),
                ie.TooManyRequestsException("Too Many Requests"),
            ),
            RateLimited,
        ),
        (ie.AbortDownloadException("400 Bad Request - feedback_required"), RateLimited),
        (ie.BadResponseException("Bad JSON at https://x/p/429/ (id 4290)"), SourceUnavailable),
        (ie.AbortDownloadException('"checkpoint_required" status'), LoginRequired),
        (
            ie.AbortDownloadException("Redirected to login page. You've been logged out"),
            LoginRequired,
        ),
        (
            ie.AbortDownloadException('responded with "500 Internal Server Error"'),
            SourceUnavailable,
        ),
        (ie.ConnectionException("Page request to x: Read timed out."), ConnectionFailed),
        (requests.ConnectionError("Name or service not known"), ConnectionFailed),
        (TimeoutError("timed out"), ConnectionFailed),
        (ie.QueryReturnedNotFoundException("404 Not Found"), SourceUnavailable),
        (ie.QueryReturnedForbiddenException("403 Forbidden"), SourceUnavailable),
        (ie.BadResponseException("Fetching Post metadata failed."), SourceUnavailable),
        (ie.PostChangedException(), SourceUnavailable),
        (ie.IPhoneSupportDisabledException("iPhone support is disabled."), SourceUnavailable),
        (KeyError("xdt_api__v1__media__shortcode__web_info"), SourceUnavailable),
    ],
)
def test_every_instaloader_error_has_a_place(error: BaseException, expected: type) -> None:
    mapped = from_instaloader(error, "someone")
    assert type(mapped) is expected
    assert isinstance(mapped, InstagramError)
    assert mapped.user_message and "Exception" not in mapped.user_message
    assert "someone" in str(mapped)  # the technical detail keeps the context for the log


def test_rate_limit_waits() -> None:
    plain = from_instaloader(ie.TooManyRequestsException("429"))
    assert isinstance(plain, RateLimited) and plain.retry_after == DEFAULT_RETRY_AFTER
    assert "15 minutes" in plain.user_message
    spam = from_instaloader(
        ie.AbortDownloadException(
            '400 Bad Request - "fail" status, message "feedback_required: Please wait a few '
            'minutes before you try again."'
        )
    )
    assert isinstance(spam, RateLimited) and spam.retry_after == SPAM_RETRY_AFTER
    assert "60 minutes" in spam.user_message
    assert "1 minute." in RateLimited(retry_after=50).user_message


def test_ours_pass_through_unchanged() -> None:
    error = InvalidUsername("x")
    assert from_instaloader(error) is error


def test_connection_failure_is_a_kind_of_unavailable_source() -> None:
    assert issubclass(ConnectionFailed, SourceUnavailable)


def test_user_message_can_be_overridden() -> None:
    assert ProfileNotFound("x", user_message="custom").user_message == "custom"
    assert ProfileNotFound("x").user_message == ProfileNotFound.user_message
