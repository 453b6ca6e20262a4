"""Registry API views: thin. Each act validates its input, calls one service, and answers with
the object as it now is; who may act and in which state is the service's to decide."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.rules import can_read_everything
from core.api import allowed_if
from core.audit import verify_chain
from registry import rules, selectors
from registry.filters import MonitoringReportFilter, ProjectFilter
from registry.serializers import (
    AuditVerificationSerializer,
    CommentInputSerializer,
    CommentSerializer,
    IssuanceSerializer,
    MonitoringReportInputSerializer,
    MonitoringReportSerializer,
    MonitoringReportTransitionSerializer,
    NoteInputSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectTransitionSerializer,
    ValidationInputSerializer,
    VerificationInputSerializer,
)
from registry.services import issuance, projects, reports

CanReadEverything = allowed_if(can_read_everything, "CanReadEverything")
CanCreateProject = allowed_if(rules.can_create_project, "CanCreateProject")


def _input(serializer_class, request: Request) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


class AuditVerifyView(APIView):
    """Recompute the audit hash chain and name the first broken entry (operators, regulators)."""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses=AuditVerificationSerializer)
    def get(self, request: Request) -> Response:
        return Response(AuditVerificationSerializer(asdict(verify_chain())).data)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects, public from publicity on. Companies create them; each act is an action."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return selectors.projects_visible_to(self.request.user)

    def get_permissions(self):
        if self.action in ("list", "retrieve", "history", "comment"):
            return [AllowAny()]
        if self.action == "create":
            return [IsAuthenticated(), CanCreateProject()]
        return [IsAuthenticated()]

    def _answer(self, project) -> Response:
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request) -> Response:
        project = projects.create_project(
            actor=request.user, **_input(ProjectInputSerializer, request)
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
            return Response(CommentSerializer(project.comments.all(), many=True).data)
        comment = projects.comment_on_project(
            actor=request.user, project=project, **_input(CommentInputSerializer, request)
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ValidationInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str) -> Response:
        data = _input(ValidationInputSerializer, request)
        return self._answer(
            projects.validate_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
        return self._answer(
            projects.register_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
        return self._answer(
            projects.reject_project(actor=request.user, project=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
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
        data = _input(MonitoringReportInputSerializer, request)
        report = reports.create_report(actor=request.user, **data)
        return Response(MonitoringReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._answer(reports.submit_report(actor=request.user, report=self.get_object()))

    @extend_schema(request=VerificationInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        data = _input(VerificationInputSerializer, request)
        report = reports.verify_report(
            actor=request.user,
            report=self.get_object(),
            opinion=data["opinion"],
            verified_reductions=data["verified_reductions"],
            verification_report=data["report"],
        )
        return self._answer(report)

    @extend_schema(request=NoteInputSerializer, responses=IssuanceSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
        created = issuance.issue_credits(actor=request.user, report=self.get_object(), **data)
        return Response(IssuanceSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
        return self._answer(
            reports.reject_report(actor=request.user, report=self.get_object(), **data)
        )

    @extend_schema(request=NoteInputSerializer, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = _input(NoteInputSerializer, request)
        return self._answer(
            reports.withdraw_report(actor=request.user, report=self.get_object(), **data)
        )

    @extend_schema(responses=MonitoringReportTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        rows = self.get_object().history.select_related("actor")
        return Response(MonitoringReportTransitionSerializer(rows, many=True).data)


class IssuanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Issuances are public: what was issued, for which claim, in which serial ranges."""

    serializer_class = IssuanceSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["project"]

    def get_queryset(self):
        return selectors.issuances()
