"""Registry API views: thin. Each act validates its input, calls one service, and answers with
the object as it now is; who may act and in which state is the service's to decide."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import parsed
from core.permissions import IsProponent
from core.serializers import NoteInputSerializer
from core.throttles import AnonymousPerAddressThrottle
from registry.projects import selectors
from registry.projects.api.filters import MonitoringReportFilter, ProjectFilter
from registry.projects.api.serializers import (
    CommentInputSerializer,
    CommentSerializer,
    MonitoringReportInputSerializer,
    MonitoringReportSerializer,
    MonitoringReportTransitionSerializer,
    ProjectDetailSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectTransitionSerializer,
    ValidationInputSerializer,
    VerificationInputSerializer,
)
from registry.projects.services import projects, reports


class AnonymousCommentThrottle(AnonymousPerAddressThrottle):
    scope = "anonymous_comment"
    rate_setting = "ANONYMOUS_COMMENT_THROTTLE"


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects, public from publicity on. Companies create them; each act is an action."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProjectDetailSerializer
        return ProjectSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve", "history", "comment"):
            return [AllowAny()]
        if self.action == "create":
            return [IsAuthenticated(), IsProponent()]
        return [IsAuthenticated()]

    def get_throttles(self):
        # Anyone may comment without signing in: those comments are limited per address.
        if self.action == "comment" and self.request.method == "POST":
            return [AnonymousCommentThrottle()]
        return super().get_throttles()

    def _answer(self, project) -> Response:
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request) -> Response:
        project = projects.create_project(
            actor=request.user, **parsed(ProjectInputSerializer, request)
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._answer(projects.submit_project(actor=request.user, project=self.get_object()))

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comment(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        if request.method == "GET":
            comments = project.comments.select_related("author__organization")
            return Response(CommentSerializer(comments, many=True).data)
        comment = projects.comment_on_project(
            actor=request.user, project=project, **parsed(CommentInputSerializer, request)
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ValidationInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str) -> Response:
        data = parsed(ValidationInputSerializer, request)
        return self._answer(
            projects.validate_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str) -> Response:
        data = parsed(NoteInputSerializer, request)
        return self._answer(
            projects.register_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = parsed(NoteInputSerializer, request)
        return self._answer(
            projects.reject_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = parsed(NoteInputSerializer, request)
        return self._answer(
            projects.withdraw_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(responses=ProjectTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        rows = self.get_object().history.select_related("actor")
        return Response(ProjectTransitionSerializer(rows, many=True).data)


class MonitoringReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monitoring reports (reduction claims), public after submission."""

    serializer_class = MonitoringReportSerializer
    filterset_class = MonitoringReportFilter

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user)

    def get_permissions(self):
        if self.action in ("list", "retrieve", "history"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def _answer(self, report) -> Response:
        return Response(MonitoringReportSerializer(report).data)

    @extend_schema(
        request=MonitoringReportInputSerializer, responses={201: MonitoringReportSerializer}
    )
    def create(self, request: Request) -> Response:
        data = parsed(MonitoringReportInputSerializer, request)
        report = reports.create_report(actor=request.user, **data)
        return Response(MonitoringReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._answer(reports.submit_report(actor=request.user, report=self.get_object()))

    @extend_schema(request=VerificationInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        data = parsed(VerificationInputSerializer, request)
        report = reports.verify_report(
            actor=request.user,
            report=self.get_object(),
            opinion=data["opinion"],
            verified_reductions=data["verified_reductions"],
            verification_report=data["report"],
        )
        return self._answer(report)

    @extend_schema(request=NoteInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = parsed(NoteInputSerializer, request)
        return self._answer(
            reports.reject_report(actor=request.user, report=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = parsed(NoteInputSerializer, request)
        return self._answer(
            reports.withdraw_report(actor=request.user, report=self.get_object(), **data)
        )

    @extend_schema(responses=MonitoringReportTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        rows = self.get_object().history.select_related("actor")
        return Response(MonitoringReportTransitionSerializer(rows, many=True).data)
