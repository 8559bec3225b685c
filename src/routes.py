"""Every path of the app, in one table (issue 9). A screen is one entry here plus one
@ft.component file in views/. Routes are nested by path: a child route's screen goes on the
view stack above its parent's, and the back arrow / browser back / Android back return to the
path one segment up. `:name` segments reach the screen through ft.use_route_params().

Adding a screen:  Route(path="new", component=NewAbsenceScreen) in the children of "absence",
or a nested detail  Route(path=":id", component=AbsenceScreen, children=[Route(path="edit", ...)])."""

from __future__ import annotations

import flet as ft
from flet import Route

from views.absence import AbsenceDetailScreen, AbsenceScreen, NewAbsenceScreen
from views.activate import ActivateScreen
from views.assessments import AssessmentsScreen
from views.blog import BlogPostScreen, BlogScreen
from views.calendar import CalendarEntryScreen, CalendarScreen
from views.change_password import ChangePasswordScreen
from views.change_username import ChangeUsernameScreen
from views.compose import ComposeScreen
from views.documentation import DocumentationScreen
from views.home import HomeScreen
from views.information import InformationScreen, NewsScreen
from views.leisure import LeisureDayScreen, LeisureScreen, LeisureWeekFormScreen
from views.login import LoginScreen
from views.messages import MessagesScreen
from views.notifications import NotificationsScreen
from views.planning import PlanningScreen, PlanScreen
from views.profile import ProfileScreen
from views.redirect import RedirectHome
from views.reset_password import ResetPasswordScreen
from views.schedule import ScheduleScreen
from views.settings import SettingsScreen
from views.talks import BookTalkScreen, TalksScreen
from views.thread import ThreadScreen

# Open without a session, logged in or not (the links in the emails).
PUBLIC: list[Route] = [
    Route(path="/activate/:token", component=ActivateScreen),
    Route(path="/reset-password/:token", component=ResetPasswordScreen),
]

# Logged in: the home at the bottom of the stack, everything else above it.
APP: list[Route] = [
    Route(path="/", component=HomeScreen, children=[
        Route(path="notifications", component=NotificationsScreen),
        Route(path="messages", component=MessagesScreen, children=[
            Route(path="new", component=ComposeScreen),  # ?to=<staff id>[,…]&subject=<text> (R22, R33)
            Route(path="sent", component=MessagesScreen),
            Route(path=":id", component=ThreadScreen),
        ]),
        Route(path="schedule", component=ScheduleScreen, children=[
            Route(path=":week", component=ScheduleScreen),
        ]),
        Route(path="profile", component=ProfileScreen, children=[
            Route(path="username", component=ChangeUsernameScreen),
            Route(path="password", component=ChangePasswordScreen),
        ]),
        Route(path="settings", component=SettingsScreen),
        # The boxes (R7).
        # Issue 10: absence (R40–R47), development talks (R30–R34), leisure time (R70–R74).
        Route(path="absence", component=AbsenceScreen, children=[
            Route(path="new", component=NewAbsenceScreen),
            Route(path=":id(\\d+)", component=AbsenceDetailScreen),
        ]),
        Route(path="talks", component=TalksScreen, children=[
            Route(path=":time_id(\\d+)", component=BookTalkScreen),
        ]),
        Route(path="leisure", component=LeisureScreen, children=[
            Route(path="week", component=LeisureWeekFormScreen),
            Route(path=":week(\\d{4}-W\\d{2})", component=LeisureScreen, children=[
                Route(path=":date(\\d{4}-\\d{2}-\\d{2})", component=LeisureDayScreen),
            ]),
        ]),
        Route(path="information", component=InformationScreen, children=[
            Route(path=":id", component=NewsScreen),
        ]),
        Route(path="calendar", component=CalendarScreen, children=[
            Route(path=":id", component=CalendarEntryScreen),
        ]),
        Route(path="blog", component=BlogScreen, children=[
            Route(path=":id", component=BlogPostScreen),
        ]),
        Route(path="planning", component=PlanningScreen, children=[
            Route(path=":id", component=PlanScreen),
        ]),
        Route(path="assessments", component=AssessmentsScreen),  # behind BankID (R5, R52)
        Route(path="documentation", component=DocumentationScreen),  # behind BankID (R5, R54)
    ]),
    *PUBLIC,
    Route(path="/login", component=RedirectHome),  # logged in already: to the home
    Route(path="/home", component=RedirectHome),  # the address of the home in earlier versions
]

# Logged out: the public links, and the login form at every other address (so a deep link
# opens its screen once logged in).
LOGGED_OUT: list[Route] = [
    *PUBLIC,
    Route(path="/:rest*", component=LoginScreen),
]

@ft.component
def AppRouter(logged_in: bool) -> list[ft.View]:
    return ft.Router(APP if logged_in else LOGGED_OUT, manage_views=True)
